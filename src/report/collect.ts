// One streaming pass over the ledger gathers what the review needs for the period and the one
// before it: each call once (calls.ts) under its surface, principal and class; the stretches each
// policy bundle decided (policy-timeline.ts); constraint usage; approval latencies (hold -> approve
// or reject), approvals granted and voided, votes; and break-glass windows with the calls they let
// through; the calls a shadow candidate decided differently. Nothing but counters and the held calls' state is kept: the receipts are not.
import { BREAK_GLASS_EVENTS, HOLD_ENDS, OUTCOMES, type HoldEnd, type Outcome } from '../core/index.js';
import { BreakGlassTally, type BreakGlassUse, type UnreviewedWindow } from './break-glass.js';
import { CallTally, emptyCounts, type CallCounts, type CallReceipt } from './calls.js';
import { ConstraintTally } from './constraints.js';
import { PolicyTimeline } from './policy-timeline.js';
import { scanReceipts, type ScannedReceipt } from './scan.js';
import { ShadowTally } from './shadow.js';

/** The class of action a surface belongs to (from the surface registry); undefined when none. */
export type ClassOf = (server: string, tool: string) => string | undefined;

export const UNCLASSIFIED = 'unclassified';

export interface SurfaceCounts extends CallCounts {
  server: string;
  tool: string;
  class: string;
}

export interface PeriodFigures {
  sinceMs: number;
  untilMs: number;
  totals: CallCounts;
  /** By `server/tool`. */
  surfaces: Map<string, SurfaceCounts>;
  principals: Map<string, CallCounts>;
  classes: Map<string, CallCounts>;
  constraints: ConstraintTally;
  /** hold -> approve/reject, for decisions inside the period. */
  approvalLatenciesMs: number[];
  /** Approvals granted in the period (by id), and those voided in it: a voided approval is not counted as granted. */
  approved: Set<string>;
  voided: Set<string>;
  /** Every reviewer decision (a `vote` receipt) in the period, in ledger order. */
  votes: VoteSeen[];
}

export interface VoteSeen {
  at: string;
  approval: string;
  surface: string;
  reviewer: string;
  /** The reviewer's groups when deciding, as the receipt recorded them. */
  groups: string[];
  verdict: 'approve' | 'reject';
}

export interface Collected {
  current: PeriodFigures;
  previous: PeriodFigures;
  policy: PolicyTimeline;
  breakGlass: BreakGlassUse[];
  /** Windows not reviewed by the end of the period, wherever they opened. */
  unreviewed: UnreviewedWindow[];
  /** Calls of the period a shadow candidate decided differently. */
  shadow: ShadowTally;
  receiptsRead: number;
}

const isOutcome = (e: string): e is Outcome => (OUTCOMES as string[]).includes(e);
const isHoldEnd = (e: string): e is HoldEnd => (HOLD_ENDS as string[]).includes(e);
const isBreakGlassStep = (e: string) => (BREAK_GLASS_EVENTS as string[]).includes(e);

function period(sinceMs: number, untilMs: number): PeriodFigures {
  return {
    sinceMs,
    untilMs,
    totals: emptyCounts(),
    surfaces: new Map(),
    principals: new Map(),
    classes: new Map(),
    constraints: new ConstraintTally(),
    approvalLatenciesMs: [],
    approved: new Set(),
    voided: new Set(),
    votes: [],
  };
}

/** Reads the ledger once for [since, until) and the previous period of equal length. */
export async function collect(dir: string, sinceMs: number, untilMs: number, classOf: ClassOf = () => undefined): Promise<Collected> {
  const tally = new Tally(sinceMs, untilMs, classOf);
  await scanReceipts(dir, (r) => tally.add(r));
  return tally.result();
}

class Tally {
  readonly current: PeriodFigures;
  readonly previous: PeriodFigures;
  private readonly calls = new CallTally((r, decision) => this.place(r, decision));
  private readonly policy: PolicyTimeline;
  private readonly windows = new BreakGlassTally();
  private readonly shadow = new ShadowTally();
  /** The class of each surface seen, looked up once. */
  private readonly classes = new Map<string, string>();
  private receiptsRead = 0;

  constructor(
    sinceMs: number,
    untilMs: number,
    private readonly classOf: ClassOf,
  ) {
    this.current = period(sinceMs, untilMs);
    this.previous = period(sinceMs - (untilMs - sinceMs), sinceMs);
    this.policy = new PolicyTimeline(this.previous.sinceMs);
  }

  add(r: ScannedReceipt): void {
    this.receiptsRead++;
    // The review is of the ledger as it stood at the end of the period.
    if (r.tsMs >= this.current.untilMs) return;
    if (r.policy_change) this.policy.change({ ...r, policy_change: r.policy_change });
    if (!r.call) return;
    if (isBreakGlassStep(r.event)) {
      if (r.break_glass) this.windows.step({ ...r, break_glass: r.break_glass });
      return;
    }
    const call = r as CallReceipt;
    const p = this.periodOf(r.tsMs);
    if (r.event === 'vote') this.vote(p, call);
    else if (isOutcome(r.event)) {
      this.calls.decision(call, r.event);
      if (p && r.event === 'permit') p.constraints.permit(r);
      if (p && r.event === 'deny') p.constraints.deny(r);
      if (p === this.current && r.break_glass) this.windows.letThrough({ ...call, break_glass: r.break_glass });
      if (p === this.current) this.shadow.decision(r);
    } else if (isHoldEnd(r.event)) {
      const heldAtMs = this.calls.holdEnd(call, r.event);
      if (!p || !r.approval) return;
      if (heldAtMs !== undefined && (r.event === 'approve' || r.event === 'reject')) p.approvalLatenciesMs.push(r.tsMs - heldAtMs);
      countApproval(p, r.event, r.approval.id);
    }
  }

  result(): Collected {
    this.calls.finish();
    const { sinceMs, untilMs } = this.current;
    return {
      current: this.current,
      previous: this.previous,
      policy: this.policy,
      breakGlass: this.windows.inPeriod(sinceMs, untilMs),
      unreviewed: this.windows.unreviewed(),
      shadow: this.shadow,
      receiptsRead: this.receiptsRead,
    };
  }

  private periodOf(tsMs: number): PeriodFigures | undefined {
    return tsMs >= this.current.sinceMs ? this.current : tsMs >= this.previous.sinceMs ? this.previous : undefined;
  }

  /** A new call: counted in its period under the whole, its surface, its principal and its class, and in its bundle's stretch. */
  private place(r: CallReceipt, decision: Outcome): CallCounts[] {
    const p = this.periodOf(r.tsMs);
    if (!p) return [];
    const { server, tool } = r.call;
    const key = `${server}/${tool}`;
    this.policy.call(key, server, tool, decision, r.tsMs);
    let cls = this.classes.get(key);
    if (cls === undefined) this.classes.set(key, (cls = this.classOf(server, tool) ?? UNCLASSIFIED));
    let surface = p.surfaces.get(key);
    if (!surface) p.surfaces.set(key, (surface = { ...emptyCounts(), server, tool, class: cls }));
    return [p.totals, surface, entry(p.principals, r.principal?.id ?? '?'), entry(p.classes, cls)];
  }

  private vote(p: PeriodFigures | undefined, r: CallReceipt): void {
    const vote = r.approval?.vote;
    if (p && vote) p.votes.push({ at: new Date(r.tsMs).toISOString(), approval: r.approval!.id, surface: `${r.call.server}/${r.call.tool}`, ...vote });
  }
}

function entry(map: Map<string, CallCounts>, key: string): CallCounts {
  let counts = map.get(key);
  if (!counts) map.set(key, (counts = emptyCounts()));
  return counts;
}

/** An approval granted and then voided in the same period counts once, as voided. */
function countApproval(p: PeriodFigures, event: HoldEnd, id: string): void {
  if (event === 'approve') p.approved.add(id);
  else if (event === 'void') {
    p.approved.delete(id);
    p.voided.add(id);
  }
}
