// Size bounds on a call's arguments, checked before any condition runs: a list of 6,000 items or a
// deeply nested value must not make deciding one call expensive for every other session. Arguments
// are untrusted (the client's JSON), so the walk stops at the first bound it passes.
import { BoundsSchema, type BoundsConfig } from './schema.js';

export type Bounds = BoundsConfig;

export const DEFAULT_BOUNDS: Bounds = BoundsSchema.parse({});

/** A walk over JSON-like values that stops as soon as one bound is passed. */
class SizeWalk {
  size = 0;
  constructor(private readonly bounds: Bounds) {}

  /** The name of the bound passed, with what was found, or undefined. */
  visit(value: unknown, depth: number): string | undefined {
    if (typeof value === 'string') this.size += value.length + 2;
    else if (value === null || typeof value !== 'object') this.size += String(value).length;
    else return this.container(value, depth + 1);
    return this.size > this.bounds.arg_bytes ? `bounds.arg_bytes: the arguments are larger than ${this.bounds.arg_bytes} characters of JSON` : undefined;
  }

  private container(value: object, depth: number): string | undefined {
    const { list_items, arg_depth } = this.bounds;
    if (depth > arg_depth) return `bounds.arg_depth: the arguments nest deeper than ${arg_depth} levels`;
    const entries = Array.isArray(value) ? value : Object.keys(value);
    if (entries.length > list_items) {
      return `bounds.list_items: a ${Array.isArray(value) ? 'list' : 'map'} in the arguments has ${entries.length} items, more than ${list_items}`;
    }
    this.size += 2;
    if (Array.isArray(value)) {
      for (const item of value) {
        const over = this.visit(item, depth);
        if (over) return over;
        this.size += 1;
      }
      return undefined;
    }
    for (const key of entries as string[]) {
      this.size += key.length + 4;
      const over = this.visit((value as Record<string, unknown>)[key], depth);
      if (over) return over;
    }
    return undefined;
  }
}

/** Which size bound the arguments pass (a sentence naming it), or undefined when they are within all of them. */
export function argumentsOverBound(args: Record<string, unknown>, bounds: Bounds): string | undefined {
  return new SizeWalk(bounds).visit(args, 0);
}
