// One held call with everything a reviewer needs to decide it: the surface, the tool as pinned, the
// arguments as sent, the principal, the rule and its reason, what it needs, earlier decisions;
// approve or reject with a note and the evidence fields the hold demands. Changes by other
// reviewers arrive over the live stream and update the page.
import { api } from '../api.js';
import { fields, h, show, statusBadge } from '../dom.js';
import { jsonView } from '../json-view.js';
import { setShortcuts } from '../keys.js';
import { onLive } from '../live.js';
import type { Approval } from '../model.js';
import { age, learnServerClock, left, when } from '../time.js';
import { agentState, decisionInputs, describeRequirement, postDecision, type Verdict } from './decide.js';
import { surfaceHistory } from './surface-history.js';
import type { View } from './view.js';

function toolSection(approval: Approval): HTMLElement {
  const def = approval.tool_definition ?? {};
  const description = typeof def.description === 'string' ? def.description : null;
  return h(
    'section',
    { 'aria-labelledby': 'tool-title' },
    h('h2', { id: 'tool-title' }, 'Tool as pinned'),
    fields([
      ['Description', description ? h('span', { class: 'pre-wrap' }, description) : 'none recorded'],
      ['Tool sha256', h('code', {}, approval.tool_sha256 ?? 'not pinned')],
    ]),
    h('h2', {}, 'Annotations (hints from the upstream, untrusted)'),
    jsonView(approval.annotations, 'Tool annotations'),
    def.inputSchema ? h('details', {}, h('summary', {}, 'Input schema'), jsonView(def.inputSchema, 'Tool input schema')) : null,
  );
}

function summary(approval: Approval, clock: HTMLElement): HTMLElement {
  const votes = approval.decisions.map(voteText).join('; ');
  return fields([
    ['Status', statusBadge(approval.status)],
    ['Upstream', approval.upstream],
    ['Tool', approval.tool],
    ['Agent', agentState(approval)],
    ['Principal', `${approval.principal.id}${approval.principal.groups.length ? ` (${approval.principal.groups.join(', ')})` : ''}`],
    ['Rule', approval.rule],
    ['Reason', approval.reason],
    ['Needs', describeRequirement(approval)],
    ['Decisions', votes || 'none yet'],
    ['Held since', when(approval.created_at)],
    ['Age / time left', clock],
    ['Approval id', h('code', {}, approval.id)],
    ['Call id', h('a', { href: `#/receipts?call_id=${encodeURIComponent(approval.call_id)}` }, approval.call_id)],
    ['Arguments sha256', h('code', {}, approval.args_sha256)],
    ['Policy bundle', h('code', {}, approval.bundle_sha256)],
  ]);
}

export const heldCallView: View = (root, _query, id) => {
  let approval: Approval | null = null;
  let inputs: ReturnType<typeof decisionInputs> | undefined;
  const inputsBox = h('div');
  const message = h('p', { role: 'status', class: 'note' });
  const approve = h('button', { type: 'button', class: 'approve', 'aria-keyshortcuts': 'a' }, 'Approve');
  const reject = h('button', { type: 'button', class: 'reject', 'aria-keyshortcuts': 'r' }, 'Reject');
  const clock = h('span');
  const head = h('div');
  const panel = h(
    'section',
    { class: 'decide', 'aria-labelledby': 'decide-title' },
    h('h2', { id: 'decide-title' }, 'Decision'),
    inputsBox,
    h(
      'p',
      { id: 'note-help', class: 'shortcuts' },
      h('kbd', {}, 'a'),
      ' approve · ',
      h('kbd', {}, 'r'),
      ' reject · ',
      h('kbd', {}, 'Esc'),
      ' back to the queue',
    ),
    h('div', { class: 'buttons' }, approve, reject),
    message,
  );
  const args = h('div');
  const details = h('div');
  show(root, h('p', {}, h('a', { href: '#/queue' }, '← Queue')), head, args, panel, details);

  const tick = () => {
    if (!approval) return;
    clock.textContent = `${age(approval.created_at)} held · ${approval.status === 'pending' ? `${left(approval.expires_at)} left` : approval.status}`;
  };

  const render = (next: Approval, full: boolean) => {
    approval = next;
    show(head, h('h1', {}, `${next.upstream} / ${next.tool} `, statusBadge(next.status)), summary(next, clock));
    const open = next.status === 'pending';
    if (!inputs) {
      inputs = decisionInputs(next, 'decide');
      show(inputsBox, ...inputs.labels);
    }
    approve.disabled = reject.disabled = !open;
    inputs.setDisabled(!open);
    if (!open && !message.textContent) message.textContent = `This call is ${next.status}; it takes no more decisions.`;
    if (full) {
      show(args, h('h2', {}, 'Arguments as sent'), jsonView(next.arguments, 'Arguments as sent'));
      show(details, toolSection(next), surfaceHistory(next.upstream, next.tool, next.call_id));
    }
    tick();
  };

  const load = (full: boolean) =>
    api<Approval>(`/api/approvals/${encodeURIComponent(id)}`)
      .then((res) => {
        learnServerClock(res.created_at, res.age_ms);
        render(res, full);
      })
      .catch((err: unknown) => show(head, h('h1', {}, 'Held call'), h('p', { class: 'error', role: 'alert' }, (err as Error).message)));

  const decide = async (verdict: Verdict) => {
    if (approval?.status !== 'pending' || !inputs) return;
    const read = inputs.read();
    if ('missing' in read) {
      message.textContent = `Not sent: ${read.missing}`;
      return;
    }
    approve.disabled = reject.disabled = true;
    // Whether the agent still waits changes without an event: ask the server now, not the page.
    const current = await api<Approval>(`/api/approvals/${encodeURIComponent(approval.id)}`).catch(() => approval!);
    render(current, false);
    approve.disabled = reject.disabled = true;
    if (verdict === 'approve' && !confirm(approveQuestion(current))) {
      approve.disabled = reject.disabled = current.status !== 'pending';
      return;
    }
    message.textContent = verdict === 'approve' ? 'Approving…' : 'Rejecting…';
    postDecision(current.id, verdict, read.body).then(
      () => {
        message.textContent = verdict === 'reject' ? 'Rejected. The agent is told why.' : approvedText(current);
        void load(false);
      },
      (err: unknown) => {
        message.textContent = `Not recorded: ${(err as Error).message}`;
        approve.disabled = reject.disabled = false;
      },
    );
  };
  approve.addEventListener('click', () => void decide('approve'));
  reject.addEventListener('click', () => void decide('reject'));

  const stopLive = onLive(() => void load(false));
  const timer = setInterval(tick, 1000);
  setShortcuts({ a: () => void decide('approve'), r: () => void decide('reject'), Escape: () => (location.hash = '#/queue') });
  void load(true);
  return () => {
    stopLive();
    clearInterval(timer);
  };
};

function voteText(d: Approval['decisions'][number]): string {
  const groups = d.groups?.length ? ` [${d.groups.join(', ')}]` : '';
  const evidence = Object.entries(d.evidence ?? {})
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  return `${d.verdict} by ${d.reviewer}${groups}${d.note ? ` (“${d.note}”)` : ''}${evidence ? ` {${evidence}}` : ''}`;
}

function approveQuestion(approval: Approval): string {
  const effect = approval.agent_waiting
    ? 'The agent is waiting: its call goes ahead now.'
    : 'The agent is no longer waiting: the call runs if the agent repeats the call.';
  return `Approve ${approval.upstream} / ${approval.tool} for ${approval.principal.id}? ${effect}`;
}

function approvedText(approval: Approval): string {
  return approval.agent_waiting ? 'Approved. The agent’s call goes ahead.' : 'Approved. The call runs if the agent repeats it.';
}
