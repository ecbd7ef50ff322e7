// The cost of evaluating conditions, counted in steps so that a decision stays deterministic (no
// clock): one step per item a comprehension (all, exists, exists_one, map, filter) walks, and one per
// TEXT_STEP characters a helper or matches() reads. A meter is made per decision; conditions run
// synchronously, so the meter in force is kept here while one runs and charged from the helpers.

/** Characters of text read per step. */
export const TEXT_STEP = 64;

export class CostBoundError extends Error {}

export class CostMeter {
  used = 0;
  /** Sticky: a comprehension may swallow the error, the decision must not. */
  exceeded = false;

  constructor(readonly budget: number) {}

  charge(steps: number): void {
    this.used += steps;
    if (this.used <= this.budget) return;
    this.exceeded = true;
    throw new CostBoundError(`evaluation cost over bounds.eval_cost (${this.budget} steps)`);
  }
}

let active: CostMeter | undefined;

/** Runs one program with `meter` in force (none: nothing is counted). */
export function metered<T>(meter: CostMeter | undefined, run: () => T): T {
  const outer = active;
  active = meter;
  try {
    return run();
  } finally {
    active = outer;
  }
}

export function chargeText(text: string): void {
  active?.charge(1 + Math.floor(text.length / TEXT_STEP));
}

/** What comprehension ranges are rewritten to pass through: charges one step per item, before the walk. */
export function chargeRange<T>(range: T): T {
  if (!active) return range;
  if (Array.isArray(range)) active.charge(range.length);
  else if (range instanceof Map || range instanceof Set) active.charge(range.size);
  else if (range && typeof range === 'object') active.charge(Object.keys(range).length);
  return range;
}
