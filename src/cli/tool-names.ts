// The tool names each upstream offers now, from a listing of the upstreams, for the checks that
// compare policy rules with what exists (`surfaces --check`, `policy check -c`).
import type { Config } from '../config/index.js';
import { snapshotCatalog } from '../pins/index.js';

export interface ToolNames {
  /** Upstream name to its tools' names, for the upstreams that could be listed. */
  catalogs: Map<string, string[]>;
  unavailable: Array<{ upstream: string; error: string }>;
}

export async function listToolNames(config: Config): Promise<ToolNames> {
  const catalogs = new Map<string, string[]>();
  const unavailable: ToolNames['unavailable'] = [];
  for (const entry of await snapshotCatalog(config.upstreams)) {
    if ('error' in entry) unavailable.push(entry);
    // Untrusted: an upstream's listing; only string names are kept.
    else
      catalogs.set(
        entry.upstream,
        entry.tools.flatMap((t) => (typeof (t as { name?: unknown })?.name === 'string' ? [(t as { name: string }).name] : [])),
      );
  }
  return { catalogs, unavailable };
}
