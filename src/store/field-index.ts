// In-memory indexes over one collection's top-level fields, built on the first query by a field and
// kept current on every change: with thousands of open approvals, an identical-retry lookup or a
// status listing must not scan them all.
type Doc = Record<string, unknown>;

export class FieldIndex {
  private readonly byField = new Map<string, Map<unknown, Set<string>>>();

  constructor(private readonly docs: Record<string, unknown>) {}

  /** Ids of the documents whose `field` equals `value`. */
  ids(field: string, value: unknown): ReadonlySet<string> {
    let index = this.byField.get(field);
    if (!index) {
      index = new Map();
      for (const [id, doc] of Object.entries(this.docs)) add(index, (doc as Doc)[field], id);
      this.byField.set(field, index);
    }
    return index.get(value) ?? new Set();
  }

  /** Keeps every built index in step with a change of one document (undefined: absent). */
  change(id: string, before: unknown, after: unknown): void {
    for (const [field, index] of this.byField) {
      const old = (before as Doc | undefined)?.[field];
      const next = (after as Doc | undefined)?.[field];
      if (before !== undefined) index.get(old)?.delete(id);
      if (after !== undefined) add(index, next, id);
      if (index.get(old)?.size === 0) index.delete(old);
    }
  }
}

function add(index: Map<unknown, Set<string>>, value: unknown, id: string): void {
  const ids = index.get(value) ?? new Set();
  ids.add(id);
  index.set(value, ids);
}
