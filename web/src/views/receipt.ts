// One receipt: its fields, its chain neighbours (with the hash links checked here), the signature
// verified in the browser, and the raw envelope.
import { api } from '../api.js';
import { h, show, statusBadge } from '../dom.js';
import { jsonView } from '../json-view.js';
import { setShortcuts } from '../keys.js';
import type { ReceiptDetail, ReceiptEntry } from '../model.js';
import { fromBase64, leafHash } from '../verify/bytes.js';
import { receiptFields } from './receipt-fields.js';
import { verifyPanel } from './verify-panel.js';
import type { View } from './view.js';

const chainOf = (e: ReceiptEntry) => (e.body.chain ?? {}) as { seq?: number; prev?: string | null };

function neighbour(label: string, entry: ReceiptEntry | null, link: Promise<string>): HTMLElement {
  if (!entry) return h('li', {}, `${label}: none`);
  const check = h('span', { class: 'note' }, ' checking link…');
  link.then(
    (t) => (check.textContent = ` ${t}`),
    (err: unknown) => (check.textContent = ` link unreadable: ${(err as Error).message}`),
  );
  return h(
    'li',
    {},
    `${label}: `,
    h('a', { href: `#/receipts/${String(entry.body.id)}`, rel: label === 'Previous' ? 'prev' : 'next' }, `#${chainOf(entry).seq} `),
    statusBadge(String(entry.body.event)),
    ` ${String(entry.body.id)}`,
    check,
  );
}

/** The leaf hash of an entry's payload, computed here rather than taken from the server. */
const leafOf = (e: ReceiptEntry) => leafHash(fromBase64(String((e.envelope as { payload?: unknown }).payload)));

export const receiptView: View = (root, _query, id) => {
  show(root, h('p', {}, h('a', { href: '#/receipts' }, '← Receipts')), h('h1', {}, 'Receipt'), h('p', { class: 'note' }, 'Loading…'));
  setShortcuts({ Escape: () => history.back() });
  api<ReceiptDetail>(`/api/receipts/${encodeURIComponent(id)}`)
    .then((detail) => {
      const { receipt, prev, next } = detail;
      const mine = leafOf(receipt);
      const prevLink = prev
        ? leafOf(prev).then((p) => (p === chainOf(receipt).prev ? '✓ this receipt’s chain.prev is its leaf hash' : '✗ chain.prev does not match its leaf hash'))
        : Promise.resolve('');
      const nextLink = next
        ? mine.then((m) => (chainOf(next).prev === m ? '✓ its chain.prev is this receipt’s leaf hash' : '✗ its chain.prev does not match this receipt'))
        : Promise.resolve('');
      const leaf = h('code', {}, '…');
      mine.then(
        (m) => (leaf.textContent = m),
        () => (leaf.textContent = 'cannot compute'),
      );
      show(
        root,
        h('p', {}, h('a', { href: '#/receipts' }, '← Receipts')),
        h('h1', {}, `Receipt ${String(receipt.body.id)} `, statusBadge(String(receipt.body.event))),
        receiptFields(receipt.body),
        h('p', {}, 'Leaf hash (computed in this browser): ', leaf),
        h('h2', {}, 'Chain neighbours'),
        h('ul', {}, neighbour('Previous', prev, prevLink), neighbour('Next', next, nextLink)),
        verifyPanel(receipt.envelope),
        h('details', {}, h('summary', {}, 'DSSE envelope'), jsonView(receipt.envelope, 'DSSE envelope')),
      );
      setShortcuts({
        Escape: () => history.back(),
        h: () => prev && (location.hash = `#/receipts/${String(prev.body.id)}`),
        l: () => next && (location.hash = `#/receipts/${String(next.body.id)}`),
      });
    })
    .catch((err: unknown) => show(root, h('h1', {}, 'Receipt'), h('p', { class: 'error', role: 'alert' }, (err as Error).message)));
};
