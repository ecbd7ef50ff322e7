// Sending a reviewer's decision, and the confirmation dialog the queue's a/r shortcuts open (a
// decision from the list still shows what is being decided and takes a note). Both say whether
// the agent still waits on the call: only then does an approval let its call go ahead at once.
import { api } from '../api.js';
import { fields, h } from '../dom.js';
import type { Approval } from '../model.js';

export type Verdict = 'approve' | 'reject';

/** What an approval does for the agent, in words true to whether its request is still open. */
export function agentState(approval: Approval): string {
  if (approval.status !== 'pending') return 'no decision is waiting';
  return approval.agent_waiting
    ? 'waiting for this decision: if you approve, its call goes ahead'
    : 'no longer waiting (it got a “pending” answer): if you approve, the call runs if the agent repeats it';
}

export function postDecision(id: string, verdict: Verdict, note: string): Promise<unknown> {
  const body = note.trim() ? { note: note.trim() } : {};
  return api(`/api/approvals/${encodeURIComponent(id)}/${verdict}`, { method: 'POST', body });
}

/** Resolves with true when the decision was sent, false when the reviewer backed out. */
export function confirmDecision(approval: Approval, verdict: Verdict): Promise<boolean> {
  const note = h('textarea', { id: 'dialog-note', rows: 3, maxlength: 4000 });
  const error = h('p', { class: 'error', role: 'alert' });
  const confirm = h('button', { type: 'submit', class: verdict }, verdict === 'approve' ? 'Approve' : 'Reject');
  const cancel = h('button', { type: 'button' }, 'Cancel');
  const form = h(
    'form',
    { method: 'dialog' },
    h('h2', { id: 'dialog-title' }, `${verdict === 'approve' ? 'Approve' : 'Reject'} ${approval.upstream} / ${approval.tool}?`),
    fields([
      ['Principal', approval.principal.id],
      ['Agent', agentState(approval)],
      ['Rule', approval.rule],
      ['Reason', approval.reason],
      ['Arguments sha256', h('code', {}, approval.args_sha256)],
    ]),
    h('label', { for: 'dialog-note' }, 'Note (optional)', note),
    error,
    h('div', { class: 'buttons decide-buttons' }, confirm, cancel),
  );
  const dialog = h('dialog', { 'aria-labelledby': 'dialog-title' }, form);
  document.body.append(dialog);
  return new Promise((resolve) => {
    const close = (sent: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(sent);
    };
    cancel.addEventListener('click', () => close(false));
    dialog.addEventListener('cancel', () => close(false));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      confirm.disabled = true;
      postDecision(approval.id, verdict, note.value).then(
        () => close(true),
        (err: unknown) => {
          error.textContent = (err as Error).message;
          confirm.disabled = false;
        },
      );
    });
    dialog.showModal();
    note.focus();
  });
}
