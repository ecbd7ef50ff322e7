// Receipts search: by call id, surface, principal, event and time. The search terms live in the URL
// fragment (they are not secrets); results link to the receipt view. "/" focuses the first field.
import { api, query } from '../api.js';
import { h, show, statusBadge, table } from '../dom.js';
import { setShortcuts } from '../keys.js';
import { listOf, RECEIPT_EVENTS, type ReceiptRow } from '../model.js';
import { when } from '../time.js';
import type { View } from './view.js';

let focusNext = false;

/** The "/" shortcut: the next receipts view focuses its first search field. */
export function focusSearchOnEntry(): void {
  focusNext = true;
}

const TEXT_FIELDS: Array<[string, string]> = [
  ['call_id', 'Call id'],
  ['server', 'Upstream'],
  ['tool', 'Tool'],
  ['principal', 'Principal'],
];

/** datetime-local values are local time; the API takes RFC 3339. */
function toIso(local: string): string | undefined {
  const t = Date.parse(local);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

export const receiptsView: View = (root, params) => {
  const inputs = TEXT_FIELDS.map(([name, label]) => {
    const input = h('input', { id: `q-${name}`, name, type: 'search', value: params.get(name) ?? '', autocomplete: 'off' });
    return h('label', { for: input.id }, label, input);
  });
  const event = h(
    'select',
    { id: 'q-event', name: 'event' },
    h('option', { value: '' }, 'any'),
    ...RECEIPT_EVENTS.map((e) => h('option', { value: e, selected: params.get('event') === e }, e)),
  );
  const from = h('input', { id: 'q-from', name: 'from', type: 'datetime-local', value: params.get('from') ?? '' });
  const to = h('input', { id: 'q-to', name: 'to', type: 'datetime-local', value: params.get('to') ?? '' });
  const form = h(
    'form',
    { class: 'search', role: 'search', 'aria-label': 'Search receipts' },
    ...inputs,
    h('label', { for: 'q-event' }, 'Event', event),
    h('label', { for: 'q-from' }, 'From', from),
    h('label', { for: 'q-to' }, 'To', to),
    h('button', { type: 'submit' }, 'Search'),
  );
  const status = h('p', { class: 'note', role: 'status' });
  const results = h('div');
  show(root, h('h1', {}, 'Receipts'), form, status, results);

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (typeof v === 'string' && v.trim()) q.set(k, v.trim());
    location.hash = `#/receipts?${q.toString()}`;
  });

  let rows: HTMLTableRowElement[] = [];
  let selected = -1;
  const select = (i: number) => {
    if (rows.length === 0) return;
    selected = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach((r, n) => r.classList.toggle('selected', n === selected));
    rows[selected]!.querySelector('a')?.focus();
  };
  setShortcuts({ j: () => select(selected + 1), k: () => select(selected - 1), '/': () => (inputs[0]!.lastElementChild as HTMLInputElement).focus() });

  const search = {
    call_id: params.get('call_id') ?? undefined,
    server: params.get('server') ?? undefined,
    tool: params.get('tool') ?? undefined,
    principal: params.get('principal') ?? undefined,
    event: params.get('event') ?? undefined,
    from: toIso(params.get('from') ?? ''),
    to: toIso(params.get('to') ?? ''),
    limit: 200,
  };
  status.textContent = 'Searching…';
  api(`/api/receipts${query(search)}`)
    .then((res) => {
      const found = listOf<ReceiptRow>(res, 'receipts');
      status.textContent = found.length === 0 ? 'No receipts match.' : `${found.length} receipts, newest first`;
      rows = found.map((r) =>
        h(
          'tr',
          {},
          h('td', {}, h('a', { href: `#/receipts/${r.id}` }, when(r.ts))),
          h('td', {}, statusBadge(r.event)),
          h('td', {}, r.server ? `${r.server} / ${r.tool}` : '—'),
          h('td', {}, r.principal ?? '—'),
          h('td', { class: 'wide mono' }, r.call_id ?? ''),
          h('td', { class: 'wide' }, r.reason ?? ''),
        ),
      );
      show(results, table(['When', 'Event', 'Upstream / tool', 'Principal', ['Call id', 'wide'], ['Reason', 'wide']], rows, 'Receipts found'));
    })
    .catch((err: unknown) => (status.textContent = `Search failed: ${(err as Error).message}`));

  if (focusNext) {
    focusNext = false;
    (inputs[0]!.lastElementChild as HTMLInputElement).focus();
  }
};
