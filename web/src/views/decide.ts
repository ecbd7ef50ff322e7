// Sending a reviewer's decision, and the confirmation dialog the queue's a/r shortcuts open (a
// decision from the list still shows what is being decided and takes a note, and the evidence fields
// the hold demands). Both say whether the agent still waits on the call: only then does an approval
// let its call go ahead at once.
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

/** What a decision sends besides its verdict. */
export interface DecisionBody {
  note?: string;
  evidence?: Record<string, string>;
}

export function postDecision(id: string, verdict: Verdict, body: DecisionBody): Promise<unknown> {
  return api(`/api/approvals/${encodeURIComponent(id)}/${verdict}`, { method: 'POST', body });
}

/** "1 of group:security-team and 1 of group:platform-lead (rule payments.prod)": who must approve. */
export function describeRequirement(approval: Approval): string {
  const byRule = new Map<string, string[]>();
  for (const e of approval.requirement ?? []) {
    const who = e.group !== undefined ? `group:${e.group}` : (e.approvers ?? []).join(' or ');
    byRule.set(e.rule, [...(byRule.get(e.rule) ?? []), `${e.quorum} of ${who}`]);
  }
  return [...byRule].map(([rule, parts]) => `${parts.join(' and ')} (rule ${rule})`).join('; ') || approval.approvers.join(', ');
}

/**
 * The note and the evidence fields a decision on this approval carries, as form inputs: those the
 * hold demands are marked required (the server refuses a decision without them all the same).
 */
export function decisionInputs(approval: Approval, idPrefix: string) {
  const demand = approval.evidence_required ?? { note: false, fields: [] };
  const note = h('textarea', { id: `${idPrefix}-note`, rows: 3, maxlength: 2000, required: demand.note });
  const evidence = demand.fields.map(
    (name) => [name, h('input', { id: `${idPrefix}-evidence-${name}`, type: 'text', maxlength: 256, required: true })] as const,
  );
  const labels = [
    h('label', { for: note.id }, demand.note ? 'Note (required, recorded in the receipt)' : 'Note (optional, recorded in the receipt)', note),
    ...evidence.map(([name, input]) => h('label', { for: input.id }, `Evidence: ${name} (required)`, input)),
  ];
  return {
    labels,
    note,
    setDisabled(disabled: boolean) {
      note.disabled = disabled;
      for (const [, input] of evidence) input.disabled = disabled;
    },
    /** What is missing before sending, or the body to send. */
    read(): { missing: string } | { body: DecisionBody } {
      const lacking = [...(demand.note && !note.value.trim() ? ['a note'] : []), ...evidence.filter(([, i]) => !i.value.trim()).map(([n]) => `“${n}”`)];
      if (lacking.length) return { missing: `This decision needs ${lacking.join(' and ')}.` };
      const fields = Object.fromEntries(evidence.map(([n, i]) => [n, i.value.trim()]).filter(([, v]) => v));
      return { body: { ...(note.value.trim() ? { note: note.value.trim() } : {}), ...(Object.keys(fields).length ? { evidence: fields } : {}) } };
    },
  };
}

/** Resolves with true when the decision was sent, false when the reviewer backed out. */
export function confirmDecision(approval: Approval, verdict: Verdict): Promise<boolean> {
  const inputs = decisionInputs(approval, 'dialog');
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
      ['Needs', describeRequirement(approval)],
      ['Arguments sha256', h('code', {}, approval.args_sha256)],
    ]),
    ...inputs.labels,
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
      const read = inputs.read();
      if ('missing' in read) {
        error.textContent = read.missing;
        return;
      }
      confirm.disabled = true;
      postDecision(approval.id, verdict, read.body).then(
        () => close(true),
        (err: unknown) => {
          error.textContent = (err as Error).message;
          confirm.disabled = false;
        },
      );
    });
    dialog.showModal();
    inputs.note.focus();
  });
}
