// Choosing which receipts to replay: the decision receipts of the period whose arguments were kept
// as evidence, a uniform sample of them (reservoir sampling, seeded so a run can be repeated).
import { OUTCOMES } from '../core/index.js';
import { scanReceipts, type ScannedReceipt } from '../report/index.js';

const DECISIONS = new Set<string>(OUTCOMES);

/** A decision receipt: one with the call and the policy that decided it. */
export type DecisionReceipt = ScannedReceipt & {
  call: NonNullable<ScannedReceipt['call']>;
  policy: NonNullable<ScannedReceipt['policy']>;
  principal: NonNullable<ScannedReceipt['principal']>;
};

export interface Sample {
  /** Decision receipts in the period. */
  considered: number;
  /** ... of which had evidence. */
  withEvidence: number;
  receipts: DecisionReceipt[];
}

export interface SampleOptions {
  ledgerDir: string;
  sinceMs: number;
  untilMs: number;
  size: number;
  seed: number;
  hasEvidence(argsSha256: string): boolean;
}

export async function sampleDecisions(options: SampleOptions): Promise<Sample> {
  const random = mulberry32(options.seed);
  const receipts: DecisionReceipt[] = [];
  let considered = 0;
  let withEvidence = 0;
  await scanReceipts(options.ledgerDir, (r) => {
    if (!isDecision(r) || r.tsMs < options.sinceMs || r.tsMs >= options.untilMs) return;
    considered++;
    if (!options.hasEvidence(r.call.args_sha256)) return;
    withEvidence++;
    if (receipts.length < options.size) receipts.push(r);
    else {
      const slot = Math.floor(random() * withEvidence);
      if (slot < options.size) receipts[slot] = r;
    }
  });
  receipts.sort((a, b) => a.tsMs - b.tsMs);
  return { considered, withEvidence, receipts };
}

/** A `deny` naming an approval refused the release of an approved call: a check of the approval, not a decision of the policy (the call's `hold` receipt is that). */
function isDecision(r: ScannedReceipt): r is DecisionReceipt {
  if (r.event === 'deny' && r.approval) return false;
  return DECISIONS.has(r.event) && r.call !== undefined && r.policy !== undefined && r.principal !== undefined;
}

/** A small seeded PRNG: sampling needs repeatability, not cryptographic strength. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
