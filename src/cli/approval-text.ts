// The approval a held call needs, in words, for `policy explain`: who approves, how many, how long
// reviewers and the client wait. Fields this text does not know yet are printed as they are, so a
// new kind of requirement is never silently left out.
import type { Decision } from '../core/index.js';

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

const KNOWN = new Set(['ruleId', 'approvers', 'quorum', 'timeoutMs', 'waitMs', 'webhook', 'pinApprovers']);

export function approvalText(a: Approval): string {
  const lines = [
    `approval (rule ${a.ruleId}):`,
    `  ${a.quorum} approval${a.quorum === 1 ? '' : 's'} from: ${a.approvers.join(', ')}`,
    `  reviewers have ${duration(a.timeoutMs)} to decide; the client waits up to ${duration(a.waitMs)}, then retries`,
  ];
  if (a.pinApprovers?.length) lines.push(`  the tool drifted from its pin: one of ${a.pinApprovers.join(', ')} must approve too`);
  if (a.webhook) lines.push(`  reviewers are notified at ${a.webhook}`);
  for (const [key, value] of Object.entries(a)) if (!KNOWN.has(key)) lines.push(`  ${key}: ${JSON.stringify(value)}`);
  return `${lines.join('\n')}\n`;
}
