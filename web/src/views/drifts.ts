// Tools whose definition changed since it was approved: each pending drift with the readable diff
// (upstream text, shown as text only) and an approve button that sends the pin shown, so a reviewer
// approves exactly what they read; a definition that changed again meanwhile is refused (409).
// j/k move between drifts; Tab reaches each Approve button.
import { api } from '../api.js';
import { fields, h, show } from '../dom.js';
import { jsonView } from '../json-view.js';
import { focusStep, setShortcuts } from '../keys.js';
import { listOf, type Drift } from '../model.js';
import { when } from '../time.js';
import type { View } from './view.js';

const LINE_CLASS: Record<string, string> = { '+': 'add', '-': 'del', '@': 'hunk' };

/** The unified diff, one text line per block, marked added/removed for colour (the +/- stays visible). */
function diffText(drift: Drift, label: string): HTMLElement {
  const classOf = (line: string) => (/^(---|\+\+\+) /.test(line) ? 'hunk' : (LINE_CLASS[line.slice(0, 1)] ?? ''));
  const lines = drift.diff.split('\n').map((line) => h('span', { class: classOf(line) }, line));
  return h('pre', { class: 'diff', tabindex: 0, 'aria-label': label }, ...lines);
}

export const driftsView: View = (root) => {
  let drifts: Drift[] = [];
  let articles: HTMLElement[] = [];
  const status = h('p', { class: 'note', role: 'status' });
  const alert = h('p', { class: 'error', role: 'alert' });
  const body = h('div');
  const refresh = h('button', { type: 'button', onclick: () => void load() }, 'Refresh');
  show(
    root,
    h('h1', {}, 'Drifted tools'),
    h(
      'p',
      { class: 'note' },
      'Tools whose definition changed since it was approved stay quarantined until a reviewer with the "pins" right approves the new definition.',
    ),
    h(
      'p',
      { class: 'shortcuts' },
      h('kbd', {}, 'j'),
      '/',
      h('kbd', {}, 'k'),
      ' move · ',
      h('kbd', {}, 'Tab'),
      ' to a button · ',
      h('kbd', {}, 'Enter'),
      ' press it',
    ),
    h('div', { class: 'buttons' }, refresh),
    status,
    alert,
    body,
  );

  const approve = async (drift: Drift, button: HTMLButtonElement) => {
    button.disabled = true;
    alert.textContent = '';
    const surface = `${drift.upstream} / ${drift.tool}`;
    try {
      const path = `/api/pins/${encodeURIComponent(drift.upstream)}/${encodeURIComponent(drift.tool)}/approve`;
      await api(path, { method: 'POST', body: { expected_pin: drift.to } });
      await load();
      status.textContent = `Approved the new definition of ${surface}. ${status.textContent}`;
    } catch (err) {
      alert.textContent = `Could not approve ${surface}: ${(err as Error).message}`;
      await load();
    }
  };

  const card = (drift: Drift, index: number): HTMLElement => {
    const surface = `${drift.upstream} / ${drift.tool}`;
    const title = `drift-${index}`;
    const button = h('button', { type: 'button', class: 'approve', 'aria-describedby': title }, 'Approve new definition');
    button.addEventListener('click', () => void approve(drift, button));
    return h(
      'article',
      { class: 'drift', tabindex: -1, 'aria-labelledby': title, 'data-surface': `${drift.upstream}/${drift.tool}` },
      h('h2', { id: title }, surface),
      fields([
        ['Change', drift.from ? 'definition changed' : 'new tool (not pinned before)'],
        ['Approved pin', h('code', {}, drift.from ?? 'none')],
        ['Pending pin', h('code', {}, drift.to)],
        ['Seen', when(drift.seen_at)],
      ]),
      diffText(drift, `Changes to ${surface}`),
      h('details', {}, h('summary', {}, 'Definition as presented now'), jsonView(drift.definition, `Presented definition of ${surface}`)),
      h('div', { class: 'buttons' }, button),
    );
  };

  const load = () =>
    api('/api/pins/drifts')
      .then((res) => {
        drifts = listOf<Drift>(res, 'drifts');
        status.textContent = `${drifts.length} pending`;
        articles = drifts.map(card);
        show(body, ...(articles.length ? articles : [h('p', {}, 'No tool definitions are waiting for review.')]));
      })
      .catch((err: unknown) => (status.textContent = `Could not load the drifts: ${(err as Error).message}`));

  setShortcuts({ j: () => focusStep(articles, 1), k: () => focusStep(articles, -1) });
  void load();
};
