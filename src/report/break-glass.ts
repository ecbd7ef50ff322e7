// The review's account of break-glass, gathered in the same pass as the rest: each window's steps
// (opened, confirmed, closed, reviewed: as of the end of the period), every call a window let
// through in the period with the verdict it overrode, and the windows nobody has reviewed yet.
import type { ScannedReceipt } from './scan.js';

/** A call a window let through: its receipt keeps the policy's own verdict, which the window overrode. */
export interface LetThrough {
  call_id: string;
  ts: string;
  surface: string;
  principal: string;
  /** The verdict the window overrode: deny, hold or silence. */
  overrode: string;
  rules: string[];
}

export interface BreakGlassUse {
  id: string;
  opened_by: string;
  reason: string;
  opened_at?: string;
  expires_at?: string;
  closed_at?: string;
  closed_by?: string;
  /** Reviewers who confirmed the window after its opener (break_glass.open_quorum). */
  confirmed_by: Array<{ by: string; at: string }>;
  reviews: Array<{ by: string; at: string; note?: string }>;
  reviewed: boolean;
  /** Calls in the period that carried this window. */
  calls: number;
  let_through: LetThrough[];
}

/** A window with no review by the end of the period, wherever it opened. */
export type UnreviewedWindow = Pick<BreakGlassUse, 'id' | 'opened_by' | 'reason' | 'opened_at'>;

type Stamp = NonNullable<ScannedReceipt['break_glass']>;

export class BreakGlassTally {
  private readonly windows = new Map<string, BreakGlassUse>();

  /** One step of a window's life (open, confirm, review, close), made by the receipt's principal. */
  step(r: ScannedReceipt & { break_glass: Stamp }): void {
    const w = this.window(r.break_glass);
    const actor = r.principal?.id ?? '?';
    if (r.event === 'break_glass_open') w.opened_at = r.ts;
    else if (r.event === 'break_glass_confirm') w.confirmed_by.push({ by: actor, at: r.ts });
    else if (r.event === 'break_glass_review') {
      w.reviews.push({ by: actor, at: r.ts, ...(r.break_glass.note ? { note: r.break_glass.note } : {}) });
      w.reviewed = true;
    } else if (r.event === 'break_glass_close') {
      // The close receipt is made by whoever closed it (the reviewer, or the expiry sweep).
      w.closed_at = r.ts;
      w.closed_by = actor;
    }
  }

  /** A decision receipt of the period that a window let through. */
  letThrough(r: ScannedReceipt & { break_glass: Stamp; call: NonNullable<ScannedReceipt['call']> }): void {
    const w = this.window(r.break_glass);
    w.calls++;
    w.let_through.push({
      call_id: r.call.id,
      ts: r.ts,
      surface: `${r.call.server}/${r.call.tool}`,
      principal: r.principal?.id ?? '?',
      overrode: r.policy?.effect ?? '?',
      rules: r.policy?.rules ?? [],
    });
  }

  /** The windows that let calls through in [since, until) or were open during it, oldest first. */
  inPeriod(sinceMs: number, untilMs: number): BreakGlassUse[] {
    const overlaps = (w: BreakGlassUse) => {
      const opened = w.opened_at ? Date.parse(w.opened_at) : -Infinity;
      const ended = Date.parse(w.closed_at ?? w.expires_at ?? '') || Infinity;
      return opened < untilMs && ended >= sinceMs;
    };
    return this.sorted().filter((w) => w.calls > 0 || overlaps(w));
  }

  unreviewed(): UnreviewedWindow[] {
    return this.sorted()
      .filter((w) => !w.reviewed)
      .map(({ id, opened_by, reason, opened_at }) => ({ id, opened_by, reason, ...(opened_at ? { opened_at } : {}) }));
  }

  private sorted(): BreakGlassUse[] {
    return [...this.windows.values()].sort((a, b) => (a.opened_at ?? '').localeCompare(b.opened_at ?? ''));
  }

  private window(bg: Stamp): BreakGlassUse {
    let w = this.windows.get(bg.id);
    if (!w) {
      w = {
        id: bg.id,
        opened_by: bg.opened_by,
        reason: bg.reason,
        expires_at: bg.expires_at,
        confirmed_by: [],
        reviews: [],
        reviewed: false,
        calls: 0,
        let_through: [],
      };
      this.windows.set(bg.id, w);
    }
    return w;
  }
}
