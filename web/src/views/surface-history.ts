// Earlier decisions on one surface (upstream, tool), so a reviewer sees how such calls went before.
import { api, query } from '../api.js';
import { h, show, statusBadge, table } from '../dom.js';
import { listOf, type ReceiptRow } from '../model.js';
import { when } from '../time.js';

export function surfaceHistory(server: string, tool: string, exceptCall: string): HTMLElement {
  const box = h('section', { 'aria-labelledby': 'history-title' }, h('h2', { id: 'history-title' }, 'Earlier decisions on this surface'));
  const body = h('div', {}, h('p', { class: 'note' }, 'Loading…'));
  box.append(body);
  api(`/api/receipts${query({ server, tool, limit: 20 })}`)
    .then((res) => {
      const receipts = listOf<ReceiptRow>(res, 'receipts').filter((r) => r.call_id !== exceptCall);
      if (receipts.length === 0) return show(body, h('p', { class: 'note' }, 'No earlier receipts for this surface.'));
      const rows = receipts.map((r) =>
        h(
          'tr',
          {},
          h('td', {}, h('a', { href: `#/receipts/${r.id}` }, when(r.ts))),
          h('td', {}, statusBadge(r.event)),
          h('td', {}, r.principal ?? '—'),
          h('td', { class: 'wide' }, r.reason ?? ''),
        ),
      );
      show(body, table(['When', 'Event', 'Principal', ['Reason', 'wide']], rows, 'Earlier receipts on this surface, newest first'));
    })
    .catch((err: unknown) => show(body, h('p', { class: 'error' }, `Could not load earlier decisions: ${(err as Error).message}`)));
  return box;
}
