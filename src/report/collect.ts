// One streaming pass over the ledger gathers what the review needs for the period and the one
// before it: calls and effects per surface, hold outcomes, approval latencies (hold -> approve or
// reject, matched by approval id), expired holds, approvals granted and voided, and break-glass
// windows with the calls they let through.
import { BREAK_GLASS_EVENTS, HOLD_ENDS, OUTCOMES, type HoldEnd, type Outcome } from '../core/index.js';
import { BreakGlassTally, type BreakGlassUse, type UnreviewedWindow } from './break-glass.js';
import { scanReceipts, type ScannedReceipt } from './scan.js';

export interface SurfaceFigures {
  calls: number;
  effects: Record<Outcome, number>;
  holdOutcomes: Record<HoldEnd, number>;
  breakGlassCalls: number;
}

export interface PeriodFigures {
  sinceMs: number;
  untilMs: number;
  surfaces: Map<string, SurfaceFigures>;
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
  breakGlass: BreakGlassUse[];
  /** Windows not reviewed by the end of the period, wherever they opened. */
  unreviewed: UnreviewedWindow[];
  receiptsRead: number;
}

const isOutcome = (e: string): e is Outcome => (OUTCOMES as string[]).includes(e);
const isHoldEnd = (e: string): e is HoldEnd => (HOLD_ENDS as string[]).includes(e);
const isBreakGlassStep = (e: string) => (BREAK_GLASS_EVENTS as string[]).includes(e);
const zeroes = <E extends string>(events: E[]) => Object.fromEntries(events.map((e) => [e, 0])) as Record<E, number>;

function emptySurface(): SurfaceFigures {
  return { calls: 0, effects: zeroes(OUTCOMES), holdOutcomes: zeroes(HOLD_ENDS), breakGlassCalls: 0 };
}

function period(sinceMs: number, untilMs: number): PeriodFigures {
  return { sinceMs, untilMs, surfaces: new Map(), approvalLatenciesMs: [], approved: new Set(), voided: new Set(), votes: [] };
}

/** Reads the ledger once for [since, until) and the previous period of equal length. */
export async function collect(dir: string, sinceMs: number, untilMs: number): Promise<Collected> {
  const tally = new Tally(sinceMs, untilMs);
  await scanReceipts(dir, (r) => tally.add(r));
  return tally.result();
}

class Tally {
  readonly current: PeriodFigures;
  readonly previous: PeriodFigures;
  /** Open holds by approval id: when they were held. */
  private readonly heldAt = new Map<string, number>();
  private readonly windows = new BreakGlassTally();
  private receiptsRead = 0;

  constructor(sinceMs: number, untilMs: number) {
    this.current = period(sinceMs, untilMs);
    this.previous = period(sinceMs - (untilMs - sinceMs), sinceMs);
  }

  add(r: ScannedReceipt): void {
    this.receiptsRead++;
    // The review is of the ledger as it stood at the end of the period.
    if (!r.call || r.tsMs >= this.current.untilMs) return;
    if (isBreakGlassStep(r.event)) {
      if (r.break_glass) this.windows.step({ ...r, break_glass: r.break_glass });
      return;
    }
    const p = r.tsMs >= this.current.sinceMs ? this.current : r.tsMs >= this.previous.sinceMs ? this.previous : undefined;
    const surface = p && surfaceIn(p, `${r.call.server}/${r.call.tool}`);
    if (r.event === 'vote') {
      const vote = r.approval?.vote;
      if (p && vote) p.votes.push({ at: new Date(r.tsMs).toISOString(), approval: r.approval!.id, surface: `${r.call.server}/${r.call.tool}`, ...vote });
    } else if (isOutcome(r.event)) {
      if (r.event === 'hold' && r.approval && !this.heldAt.has(r.approval.id)) this.heldAt.set(r.approval.id, r.tsMs);
      if (!surface) return;
      surface.calls++;
      surface.effects[r.event]++;
      if (r.break_glass) {
        surface.breakGlassCalls++;
        if (p === this.current) this.windows.letThrough({ ...r, break_glass: r.break_glass, call: r.call });
      }
    } else if (isHoldEnd(r.event)) {
      const held = r.approval ? this.heldAt.get(r.approval.id) : undefined;
      if (r.approval) this.heldAt.delete(r.approval.id);
      if (!surface) return;
      surface.holdOutcomes[r.event]++;
      if (held !== undefined && (r.event === 'approve' || r.event === 'reject')) p.approvalLatenciesMs.push(r.tsMs - held);
      if (r.approval) countApproval(p, r.event, r.approval.id);
    }
  }

  result(): Collected {
    const { sinceMs, untilMs } = this.current;
    return {
      current: this.current,
      previous: this.previous,
      breakGlass: this.windows.inPeriod(sinceMs, untilMs),
      unreviewed: this.windows.unreviewed(),
      receiptsRead: this.receiptsRead,
    };
  }
}

/** An approval granted and then voided in the same period counts once, as voided. */
function countApproval(p: PeriodFigures, event: HoldEnd, id: string): void {
  if (event === 'approve') p.approved.add(id);
  else if (event === 'void') {
    p.approved.delete(id);
    p.voided.add(id);
  }
}

function surfaceIn(p: PeriodFigures, key: string): SurfaceFigures {
  let s = p.surfaces.get(key);
  if (!s) p.surfaces.set(key, (s = emptySurface()));
  return s;
}
