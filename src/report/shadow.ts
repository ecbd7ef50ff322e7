// What a shadow candidate (policy.shadow) would have changed: the decision receipts of the period
// that carry `shadow` (docs/receipts.md §1.8), one per call the candidate decided differently, per
// surface and per change (the receipt's effect -> the candidate's: permit -> hold).
import type { ScannedReceipt } from './scan.js';

export interface ShadowChange {
  from: string;
  to: string;
  /** The same effect by other rules. */
  other_rules: boolean;
  calls: number;
}

export interface ShadowSurface {
  surface: string;
  server: string;
  tool: string;
  /** Calls the candidate decided differently. */
  differs: number;
  /** Most calls first. */
  changes: ShadowChange[];
}

export interface ShadowReview {
  /** Calls of the period a candidate decided differently. */
  differs: number;
  /** The candidate bundles that decided them, in the order first seen. */
  candidates: string[];
  /** Most differences first. */
  surfaces: ShadowSurface[];
}

export class ShadowTally {
  private readonly candidates = new Set<string>();
  private readonly surfaces = new Map<string, { server: string; tool: string; differs: number; changes: Map<string, ShadowChange> }>();

  /** A decision receipt of the period; only one with a `shadow` counts. */
  decision(r: ScannedReceipt): void {
    const { shadow, call, policy } = r;
    if (!shadow || !call || !policy) return;
    this.candidates.add(shadow.bundle_sha256);
    const key = `${call.server}/${call.tool}`;
    let surface = this.surfaces.get(key);
    if (!surface) this.surfaces.set(key, (surface = { server: call.server, tool: call.tool, differs: 0, changes: new Map() }));
    surface.differs++;
    const other_rules = policy.effect === shadow.effect;
    const change = `${policy.effect}\u0000${shadow.effect}`;
    const seen = surface.changes.get(change);
    if (seen) seen.calls++;
    else surface.changes.set(change, { from: policy.effect, to: shadow.effect, other_rules, calls: 1 });
  }

  review(): ShadowReview {
    const surfaces = [...this.surfaces]
      .map(([surface, s]) => ({
        surface,
        server: s.server,
        tool: s.tool,
        differs: s.differs,
        changes: [...s.changes.values()].sort((a, b) => b.calls - a.calls || `${a.from}${a.to}`.localeCompare(`${b.from}${b.to}`)),
      }))
      .sort((a, b) => b.differs - a.differs || a.surface.localeCompare(b.surface));
    return { differs: surfaces.reduce((n, s) => n + s.differs, 0), candidates: [...this.candidates], surfaces };
  }
}
