// Break-glass windows after the fact: the windows nobody has reviewed yet, each with a note field and
// a button that records the review (a break_glass_review receipt), then the reviewed ones with their
// reviews. Only a reviewer with the "break-glass" right who neither opened nor confirmed a window may
// review it; the view offers the form only to them, and the server checks again. Reasons and notes
// are reviewers' text, shown as text. j/k move between windows.
import { api } from '../api.js';
import { fields, h, show } from '../dom.js';
import { focusStep, setShortcuts } from '../keys.js';
import { listOf, type BreakGlassWindow, type Caller } from '../model.js';
import { when } from '../time.js';
import type { View } from './view.js';

const RIGHT = 'break-glass';

const scope = (w: BreakGlassWindow) => `${w.principal ?? '*'} on ${w.server ?? '*'}/${w.tool ?? '*'}`;
const vouchers = (w: BreakGlassWindow) => [w.opened_by, ...(w.confirmations ?? []).map((c) => c.by)];
const ending = (w: BreakGlassWindow) => (w.closed_at ? `closed ${when(w.closed_at)} by ${w.closed_by ?? '?'}` : `until ${when(w.expires_at)}`);

function details(w: BreakGlassWindow): HTMLElement {
  const confirmed = (w.confirmations ?? []).map((c) => `${c.by} (${when(c.at)})`).join(', ');
  return fields([
    ['Reason', w.reason],
    ['Scope', scope(w)],
    ['Opened', `${when(w.opened_at)} by ${w.opened_by}`],
    ['Confirmed by', confirmed || 'nobody'],
    ['Ends', ending(w)],
    ...(w.reviews ?? []).map((r): [string, string] => ['Reviewed', `${when(r.at)} by ${r.by}: ${r.note}`]),
  ]);
}

export const breakGlassView: View = (root) => {
  let articles: HTMLElement[] = [];
  const status = h('p', { class: 'note', role: 'status' });
  const alert = h('p', { class: 'error', role: 'alert' });
  const body = h('div');
  show(
    root,
    h('h1', {}, 'Break-glass windows'),
    h('p', { class: 'note' }, 'Each window that let calls through past policy is reviewed afterwards by a reviewer who neither opened nor confirmed it.'),
    h('p', { class: 'shortcuts' }, h('kbd', {}, 'j'), '/', h('kbd', {}, 'k'), ' move · ', h('kbd', {}, 'Tab'), ' to the note and the button'),
    status,
    alert,
    body,
  );

  const review = async (w: BreakGlassWindow, note: HTMLTextAreaElement, button: HTMLButtonElement) => {
    alert.textContent = '';
    if (!note.value.trim()) {
      alert.textContent = `Write a note first: a note is required, saying what the review of ${w.id} found.`;
      note.focus();
      return;
    }
    button.disabled = true;
    try {
      await api(`/api/break-glass/${encodeURIComponent(w.id)}/review`, { method: 'POST', body: { note: note.value } });
      await load();
      status.textContent = `Recorded your review of ${w.id}. ${status.textContent}`;
    } catch (err) {
      alert.textContent = `Could not review ${w.id}: ${(err as Error).message}`;
      button.disabled = false;
    }
  };

  const reviewForm = (w: BreakGlassWindow, me: Caller): HTMLElement => {
    if (vouchers(w).includes(me.id)) return h('p', { class: 'note' }, 'You opened or confirmed this window: another reviewer with the right must review it.');
    const note = h('textarea', { rows: 2, 'aria-label': `Review note for ${w.id}`, placeholder: 'What the review found' });
    const button = h('button', { type: 'button', class: 'approve' }, 'Record review');
    button.addEventListener('click', () => void review(w, note, button));
    return h('div', { class: 'buttons' }, note, button);
  };

  const card = (w: BreakGlassWindow, me: Caller | undefined): HTMLElement => {
    const reviewed = (w.reviews ?? []).length > 0;
    const title = `${w.id}${reviewed ? ' (reviewed)' : ''}`;
    return h('article', { class: 'drift', tabindex: -1, 'aria-label': title }, h('h2', {}, title), details(w), !reviewed && me ? reviewForm(w, me) : null);
  };

  const load = () =>
    Promise.all([api<Caller>('/api/whoami'), api('/api/break-glass')])
      .then(([caller, res]) => {
        const windows = listOf<BreakGlassWindow>(res, 'windows');
        const me = caller?.rights?.includes(RIGHT) ? caller : undefined;
        const waiting = windows.filter((w) => !(w.reviews ?? []).length);
        const done = windows.filter((w) => (w.reviews ?? []).length);
        status.textContent = `${waiting.length} waiting for a review`;
        const open = waiting.map((w) => card(w, me));
        const closed = done.map((w) => card(w, me));
        articles = [...open, ...closed];
        show(
          body,
          me ? null : h('p', { class: 'note' }, `Reviewing break-glass windows needs the "${RIGHT}" right (config reviewers[].rights).`),
          h('h2', {}, 'Not yet reviewed'),
          ...(open.length ? open : [h('p', {}, 'No break-glass window is waiting for a review.')]),
          h('h2', {}, 'Reviewed'),
          ...(closed.length ? closed : [h('p', {}, 'None yet.')]),
        );
      })
      .catch((err: unknown) => (status.textContent = `Could not load the break-glass windows: ${(err as Error).message}`));

  setShortcuts({ j: () => focusStep(articles, 1), k: () => focusStep(articles, -1) });
  void load();
};
