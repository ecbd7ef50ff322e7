// The approval a held call needs, in words, for `policy explain`: who approves, how many (every
// entry of every matched rule), what each decision must carry, how long reviewers and the client
// wait. Fields this text does not know yet are printed as they are, so a new kind of requirement is
// never silently left out.
import { PIN_DRIFT_RULE, type Decision } from '../core/index.js';

type Approval = NonNullable<Decision['approval']>;

const UNITS: Array<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/** "30m", "10s", "1500ms": the largest unit that states the duration exactly. */
function duration(ms: number): string {
  const unit = UNITS.find(([, size]) => ms >= size && ms % size === 0);
  return unit ? `${ms / unit[1]}${unit[0]}` : `${ms}ms`;
}

const KNOWN = new Set(['ruleId', 'requirement', 'evidence', 'timeoutMs', 'waitMs', 'webhooks']);

/** One entry of the requirement: "2 approvals from: group:dba, user:alice", "1 approval from: group:security-team (rule x)". */
function entryText(e: Approval['requirement'][number], ruleId: string): string {
  const who = e.group !== undefined ? `group:${e.group}` : e.approvers.join(', ');
  if (e.rule === PIN_DRIFT_RULE && ruleId !== PIN_DRIFT_RULE) return `the tool drifted from its pin: one of ${who} must approve too`;
  return `${e.quorum} approval${e.quorum === 1 ? '' : 's'} from: ${who}${e.rule === ruleId ? '' : ` (rule ${e.rule})`}`;
}

export function approvalText(a: Approval): string {
  const fields = a.evidence.fields.map((f) => `"${f}"`).join(', ');
  const evidence = [a.evidence.note ? 'a note' : '', fields ? `the evidence field(s) ${fields}` : ''].filter(Boolean).join(' and ');
  const lines = [
    `approval (rule ${a.ruleId}):`,
    ...a.requirement.map((e) => `  ${entryText(e, a.ruleId)}`),
    ...(a.requirement.length > 1 ? ['  every entry by distinct reviewers: a reviewer counts toward one entry only'] : []),
    ...(evidence ? [`  every decision must carry ${evidence}`] : []),
    `  reviewers have ${duration(a.timeoutMs)} to decide; the client waits up to ${duration(a.waitMs)}, then retries`,
    ...a.webhooks.map((url) => `  reviewers are notified at ${url}`),
  ];
  for (const [key, value] of Object.entries(a)) if (!KNOWN.has(key)) lines.push(`  ${key}: ${JSON.stringify(value)}`);
  return `${lines.join('\n')}\n`;
}
