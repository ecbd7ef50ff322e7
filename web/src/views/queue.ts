// The live queue of pending approvals, oldest first, with each call's age and the time left before
// it expires. j/k move, Enter opens, a/r decide the selected call (after a confirmation).
import { api } from '../api.js';
import { h, show, table } from '../dom.js';
import { setShortcuts } from '../keys.js';
import { onLive } from '../live.js';
import { listOf, type Approval } from '../model.js';
import { age, learnServerClock, left, serverNow } from '../time.js';
import { confirmDecision, type Verdict } from './decide.js';
import type { View } from './view.js';

const SOON_MS = 60_000;

export const queueView: View = (root) => {
  let items: Approval[] = [];
  let selected = 0;
  let rows: HTMLTableRowElement[] = [];
  const status = h('p', { class: 'note', role: 'status' });
  const body = h('div');
  show(
    root,
    h('h1', {}, 'Pending approvals'),
    h(
      'p',
      { class: 'shortcuts' },
      h('kbd', {}, 'j'),
      '/',
      h('kbd', {}, 'k'),
      ' move · ',
      h('kbd', {}, 'Enter'),
      ' open · ',
      h('kbd', {}, 'a'),
      ' approve · ',
      h('kbd', {}, 'r'),
      ' reject · ',
      h('kbd', {}, '/'),
      ' search receipts',
    ),
    status,
    body,
  );

  const tick = () => {
    const now = serverNow();
    rows.forEach((row, i) => {
      const item = items[i]!;
      row.cells[0]!.textContent = age(item.created_at, now);
      row.cells[1]!.textContent = left(item.expires_at, now);
      row.cells[1]!.classList.toggle('soon', Date.parse(item.expires_at) - now < SOON_MS);
    });
  };

  const select = (index: number) => {
    if (rows.length === 0) return;
    selected = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach((row, i) => {
      row.classList.toggle('selected', i === selected);
      row.setAttribute('aria-selected', String(i === selected));
    });
    rows[selected]!.scrollIntoView({ block: 'nearest' });
  };

  const render = () => {
    if (items.length === 0) {
      rows = [];
      show(body, h('p', {}, 'No calls are waiting for a decision.'));
      return;
    }
    const selectedId = items[selected]?.id;
    rows = items.map((item) =>
      h(
        'tr',
        { class: 'clickable', 'data-id': item.id, onclick: () => (location.hash = `#/approvals/${item.id}`) },
        h('td', { class: 'num' }),
        h('td', { class: 'num' }),
        h('td', {}, h('a', { href: `#/approvals/${item.id}` }, `${item.upstream} / ${item.tool}`)),
        h('td', {}, item.principal.id),
        h('td', { class: 'wide' }, item.rule),
        h('td', { class: 'wide' }, item.reason),
      ),
    );
    show(body, table(['Age', 'Time left', 'Upstream / tool', 'Principal', ['Rule', 'wide'], ['Reason', 'wide']], rows, 'Pending approvals, oldest first'));
    const keep = items.findIndex((i) => i.id === selectedId);
    select(keep >= 0 ? keep : selected);
    tick();
  };

  const load = () =>
    api('/api/approvals?status=pending')
      .then((res) => {
        items = listOf<Approval>(res, 'approvals').sort((a, b) => a.created_at.localeCompare(b.created_at));
        if (items[0]) learnServerClock(items[0].created_at, items[0].age_ms);
        status.textContent = `${items.length} pending`;
        render();
      })
      .catch((err: unknown) => (status.textContent = `Could not load the queue: ${(err as Error).message}`));

  const decide = (verdict: Verdict) => {
    const item = items[selected];
    if (!item) return;
    void confirmDecision(item, verdict).then((sent) => {
      if (sent) void load();
    });
  };

  let pending: ReturnType<typeof setTimeout> | undefined;
  const stopLive = onLive(() => {
    clearTimeout(pending);
    pending = setTimeout(load, 50);
  });
  const timer = setInterval(tick, 1000);
  setShortcuts({
    j: () => select(selected + 1),
    k: () => select(selected - 1),
    ArrowDown: () => select(selected + 1),
    ArrowUp: () => select(selected - 1),
    Enter: () => items[selected] && (location.hash = `#/approvals/${items[selected]!.id}`),
    a: () => decide('approve'),
    r: () => decide('reject'),
  });
  void load();
  return () => {
    stopLive();
    clearTimeout(pending);
    clearInterval(timer);
  };
};
