// The policy_change receipts split the time into the stretches each bundle decided: a call belongs
// to the stretch of its first decision. Only changes of bundle split (a restart that takes effect
// with the bundle already in force does not), and only the stretches inside the two periods the
// review reads are counted.
import { OUTCOMES, type Outcome } from '../core/index.js';
import type { ScannedReceipt } from './scan.js';

export type PolicyChangeSeen = NonNullable<ScannedReceipt['policy_change']> & { at: string };

export interface SurfaceDecisions {
  server: string;
  tool: string;
  calls: number;
  decisions: Record<Outcome, number>;
}

/** The calls one bundle decided, from its policy_change (or the start of the window) on. */
export interface Stretch {
  /** The change that began it; undefined for the stretch the window opens in, when its change came before. */
  change: PolicyChangeSeen | undefined;
  sinceMs: number;
  calls: number;
  decisions: Record<Outcome, number>;
  surfaces: Map<string, SurfaceDecisions>;
}

const zeroes = () => Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
const stretch = (sinceMs: number, change?: PolicyChangeSeen): Stretch => ({ change, sinceMs, calls: 0, decisions: zeroes(), surfaces: new Map() });

export class PolicyTimeline {
  private stretches: Stretch[];
  private inForce: string | undefined;

  /** `windowStartMs`: the start of the previous period; nothing earlier is counted. */
  constructor(private readonly windowStartMs: number) {
    this.stretches = [stretch(windowStartMs)];
  }

  change(r: ScannedReceipt & { policy_change: NonNullable<ScannedReceipt['policy_change']> }): void {
    const next = r.policy_change;
    if (next.bundle_sha256 === this.inForce) return;
    // A process's first bundle names no predecessor; the ledger knows the one it replaced.
    const previous = next.previous_bundle_sha256 ?? this.inForce ?? null;
    this.inForce = next.bundle_sha256;
    const begun = stretch(Math.max(r.tsMs, this.windowStartMs), { ...next, previous_bundle_sha256: previous, at: new Date(r.tsMs).toISOString() });
    // A change before the window: the window opens in its stretch.
    if (r.tsMs <= this.windowStartMs) this.stretches = [begun];
    else this.stretches.push(begun);
  }

  call(key: string, server: string, tool: string, decision: Outcome, tsMs: number): void {
    if (tsMs < this.windowStartMs) return;
    const s = this.stretches.at(-1)!;
    s.calls++;
    s.decisions[decision]++;
    let surface = s.surfaces.get(key);
    if (!surface) s.surfaces.set(key, (surface = { server, tool, calls: 0, decisions: zeroes() }));
    surface.calls++;
    surface.decisions[decision]++;
  }

  /** Each change at or after `sinceMs`, with the stretch before it and its own (which ends at the next change or `untilMs`). */
  changesSince(sinceMs: number, untilMs: number): Array<{ before: Stretch; after: Stretch; afterUntilMs: number }> {
    return this.stretches.flatMap((after, i) => {
      if (i === 0 || !after.change || after.sinceMs < sinceMs) return [];
      return [{ before: this.stretches[i - 1]!, after, afterUntilMs: this.stretches[i + 1]?.sinceMs ?? untilMs }];
    });
  }
}
