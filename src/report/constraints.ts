// Constraint usage: of the calls let through (`permit` receipts), those that ran under constraints
// (docs/receipts.md §1.1 `constraints`): arguments rewritten by `set`, a deadline, and each limit
// charged with how close its counter came to the maximum; `deny` receipts naming a limit are calls
// it refused.
import type { ScannedReceipt } from './scan.js';

/** A charge that leaves the counter at this share of the maximum or more is "near the maximum". */
export const NEAR_MAX = 0.8;

export interface LimitUse {
  name: string;
  /** Calls charged. */
  calls: number;
  /** The maximum, as the last charge saw it. */
  max: number;
  peak_used: number;
  /** peak_used / max (0 when max is 0). */
  peak_share: number;
  near_max: number;
  /** Calls denied because the limit was reached. */
  reached: number;
}

export class ConstraintTally {
  permits = 0;
  constrained = 0;
  setCalls = 0;
  timeoutCalls = 0;
  minTimeoutMs: number | null = null;
  maxTimeoutMs: number | null = null;
  readonly setArguments = new Map<string, number>();
  private readonly limitUses = new Map<string, LimitUse>();

  permit(r: ScannedReceipt): void {
    this.permits++;
    const c = r.constraints;
    if (!c) return;
    this.constrained++;
    if (c.set) {
      this.setCalls++;
      for (const name of c.set) this.setArguments.set(name, (this.setArguments.get(name) ?? 0) + 1);
    }
    if (c.timeout_ms !== undefined) {
      this.timeoutCalls++;
      this.minTimeoutMs = Math.min(this.minTimeoutMs ?? c.timeout_ms, c.timeout_ms);
      this.maxTimeoutMs = Math.max(this.maxTimeoutMs ?? c.timeout_ms, c.timeout_ms);
    }
    for (const { name, used, max } of c.limits ?? []) {
      const use = this.limit(name);
      use.calls++;
      use.max = max;
      use.peak_used = Math.max(use.peak_used, used);
      if (max > 0 && used >= NEAR_MAX * max) use.near_max++;
    }
  }

  /** A deny whose deciding rule is a limit (`limit:<rule>:<rate|budget>:<per>`): the limit was reached. */
  deny(r: ScannedReceipt): void {
    for (const rule of r.policy?.rules ?? []) if (rule.startsWith('limit:')) this.limit(rule).reached++;
  }

  limits(): LimitUse[] {
    return [...this.limitUses.values()]
      .map((u) => ({ ...u, peak_share: u.max > 0 ? Math.min(1, u.peak_used / u.max) : 0 }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  private limit(name: string): LimitUse {
    let use = this.limitUses.get(name);
    if (!use) this.limitUses.set(name, (use = { name, calls: 0, max: 0, peak_used: 0, peak_share: 0, near_max: 0, reached: 0 }));
    return use;
  }
}
