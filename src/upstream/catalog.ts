// The exposed tool names: `<prefix><tool>` per upstream, one owner per name. A collision among the
// upstreams present at startup stops startup; one that appears later (list_changed, a restart)
// keeps the earlier owner and hides the later tool, with a warning. Which tools of an upstream are
// listed, and with which definition, is the `toolsOf` source's choice (the gateway's pins); they
// are listed in name order.
import type { Logger } from '../log.js';
import { UpstreamError } from './errors.js';
import type { Upstream, UpstreamTool } from './upstream.js';

export interface CatalogEntry {
  upstream: Upstream;
  /** The definition listed for the tool (its name is the upstream's own). */
  tool: UpstreamTool;
  /** The tool definition as shown to clients: the listed one, with the exposed name. */
  exposed: UpstreamTool;
}

/** The tools of an upstream to list, with the definitions to show; by default all, as declared. */
export type ToolSource = (upstream: Upstream) => readonly UpstreamTool[];

export class ToolCatalog {
  private readonly byName = new Map<string, CatalogEntry>();
  private listing: UpstreamTool[] = [];
  private entries_: CatalogEntry[] = [];

  constructor(
    private readonly upstreams: readonly Upstream[],
    private readonly log: Logger,
    private readonly toolsOf: ToolSource = (upstream) => upstream.tools,
  ) {}

  /** Build the catalog from the upstreams that are ready; a collision throws (startup). */
  build(): void {
    this.byName.clear();
    for (const upstream of this.upstreams) this.add(upstream, true);
    this.relist();
  }

  /** Re-read one upstream's tools after it changed, went down or came back. */
  update(upstream: Upstream): void {
    for (const [name, entry] of this.byName) if (entry.upstream === upstream) this.byName.delete(name);
    this.add(upstream, false);
    // An upstream that went away may have shadowed another's tool: let that one back in.
    for (const other of this.upstreams) if (other !== upstream) this.add(other, false, true);
    this.relist();
  }

  /** Every listed tool, exposed (the gateway pages it for tools/list). */
  list(): UpstreamTool[] {
    return this.listing;
  }

  /** Every listed tool with its upstream, in listing order (for per-session filtering). */
  entries(): readonly CatalogEntry[] {
    return this.entries_;
  }

  resolve(exposedName: string): CatalogEntry | undefined {
    return this.byName.get(exposedName);
  }

  /** The upstream whose prefix an unknown name carries, for a precise "unavailable" message. */
  ownerByPrefix(exposedName: string): Upstream | undefined {
    return this.upstreams.find((u) => u.prefix !== '' && exposedName.startsWith(u.prefix));
  }

  private add(upstream: Upstream, strict: boolean, quiet = false): void {
    if (upstream.state !== 'ready') return;
    for (const tool of this.toolsOf(upstream)) {
      const name = upstream.prefix + tool.name;
      const owner = this.byName.get(name);
      if (owner?.upstream === upstream) continue;
      if (owner) {
        const message = `tool name collision: "${name}" is exposed by upstreams ${owner.upstream.name} and ${upstream.name}; set a distinct "prefix" on one of them`;
        if (strict) throw new UpstreamError('tool_name_collision', message);
        if (!quiet) this.log.warn({ tool: name, kept: owner.upstream.name, hidden: upstream.name }, `${message}: the later tool is hidden`);
        continue;
      }
      this.byName.set(name, { upstream, tool, exposed: upstream.prefix === '' ? tool : { ...tool, name } });
    }
  }

  /** In exposed-name order (UTF-16 code units): the same tools list the same way, whatever the order upstreams came, changed or came back in. */
  private relist(): void {
    this.entries_ = Array.from(this.byName.values()).sort((a, b) => (a.exposed.name < b.exposed.name ? -1 : a.exposed.name > b.exposed.name ? 1 : 0));
    this.listing = this.entries_.map((entry) => entry.exposed);
  }
}
