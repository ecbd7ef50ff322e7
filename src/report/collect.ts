// One streaming pass over the ledger gathers what the review needs for the period and the one
// before it: calls and effects per surface, hold outcomes, approval latencies (hold -> approve or
// reject, matched by approval id), expired holds, and break-glass windows with the calls they let through.
import { BREAK_GLASS_EVENTS, HOLD_ENDS, OUTCOMES, type HoldEnd, type Outcome } from '../core/index.js';
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
}

export interface BreakGlassUse {
  id: string;
  opened_by: string;
  reason: string;
  opened_at?: string;
  expires_at?: string;
  closed_at?: string;
  closed_by?: string;
  /** Calls in the period that carried this window. */
  calls: number;
}

export interface Collected {
  current: PeriodFigures;
  previous: PeriodFigures;
  breakGlass: BreakGlassUse[];
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
  return { sinceMs, untilMs, surfaces: new Map(), approvalLatenciesMs: [] };
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
  private readonly windows = new Map<string, BreakGlassUse>();
  private receiptsRead = 0;

  constructor(sinceMs: number, untilMs: number) {
    this.current = period(sinceMs, untilMs);
    this.previous = period(sinceMs - (untilMs - sinceMs), sinceMs);
  }

  add(r: ScannedReceipt): void {
    this.receiptsRead++;
    if (!r.call) return;
    if (isBreakGlassStep(r.event)) {
      noteWindow(this.windows, r);
      return;
    }
    const p =
      r.tsMs >= this.current.untilMs ? undefined : r.tsMs >= this.current.sinceMs ? this.current : r.tsMs >= this.previous.sinceMs ? this.previous : undefined;
    const surface = p && surfaceIn(p, `${r.call.server}/${r.call.tool}`);
    if (isOutcome(r.event)) {
      if (r.event === 'hold' && r.approval && !this.heldAt.has(r.approval.id)) this.heldAt.set(r.approval.id, r.tsMs);
      if (!surface) return;
      surface.calls++;
      surface.effects[r.event]++;
      if (r.break_glass) {
        surface.breakGlassCalls++;
        if (p === this.current) windowOf(this.windows, r.break_glass).calls++;
      }
    } else if (isHoldEnd(r.event)) {
      const held = r.approval ? this.heldAt.get(r.approval.id) : undefined;
      if (r.approval) this.heldAt.delete(r.approval.id);
      if (!surface) return;
      surface.holdOutcomes[r.event]++;
      if (held !== undefined && (r.event === 'approve' || r.event === 'reject')) p.approvalLatenciesMs.push(r.tsMs - held);
    }
  }

  result(): Collected {
    const { sinceMs, untilMs } = this.current;
    const overlaps = (w: BreakGlassUse) => {
      const opened = w.opened_at ? Date.parse(w.opened_at) : -Infinity;
      const ended = Date.parse(w.closed_at ?? w.expires_at ?? '') || Infinity;
      return opened < untilMs && ended >= sinceMs;
    };
    const breakGlass = [...this.windows.values()]
      .filter((w) => w.calls > 0 || overlaps(w))
      .sort((a, b) => (a.opened_at ?? '').localeCompare(b.opened_at ?? ''));
    return { current: this.current, previous: this.previous, breakGlass, receiptsRead: this.receiptsRead };
  }
}

function surfaceIn(p: PeriodFigures, key: string): SurfaceFigures {
  let s = p.surfaces.get(key);
  if (!s) p.surfaces.set(key, (s = emptySurface()));
  return s;
}

function windowOf(windows: Map<string, BreakGlassUse>, bg: NonNullable<ScannedReceipt['break_glass']>): BreakGlassUse {
  let w = windows.get(bg.id);
  if (!w) windows.set(bg.id, (w = { id: bg.id, opened_by: bg.opened_by, reason: bg.reason, expires_at: bg.expires_at, calls: 0 }));
  return w;
}

function noteWindow(windows: Map<string, BreakGlassUse>, r: ScannedReceipt): void {
  if (!r.break_glass) return;
  const w = windowOf(windows, r.break_glass);
  if (r.event === 'break_glass_open') w.opened_at = r.ts;
  else if (r.event === 'break_glass_close') {
    // The close receipt is made by whoever closed it (the reviewer, or the expiry sweep).
    w.closed_at = r.ts;
    w.closed_by = r.principal?.id;
  }
}
