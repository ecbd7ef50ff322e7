// What clients may see and call of each upstream's tools, after pinning: every time an upstream's
// tools are listed (startup, list_changed, restart) the pin registry assesses them; hidden tools
// are left out, drifted ones stay listed with a quarantine their calls carry to the gate, and the
// definition shown is the vetted one whose pin the receipts record. Without a registry every tool
// is shown as declared, with its pin computed here.
import type { Config } from '../config/index.js';
import type { Logger } from '../log.js';
import { identityOf, pinOf, type PinRegistry, type ToolPinStatus } from '../pins/index.js';
import type { Upstream, UpstreamTool } from '../upstream/index.js';
import type { Quarantine } from '../gate/index.js';

export interface SurfacedTool {
  /** The definition shown to clients (the upstream's own name). */
  definition: UpstreamTool;
  /** The pin of that definition: what `CallRequest.toolSha256` and the receipts carry. */
  pin: string | null;
  quarantine?: Quarantine;
}

export class ToolSurface {
  private readonly byUpstream = new Map<Upstream, Map<string, SurfacedTool>>();
  /** The latest assessment per upstream: assessments of one upstream run one after another. */
  private readonly pending = new Map<Upstream, Promise<void>>();

  constructor(
    private readonly config: Config,
    private readonly pins: PinRegistry | undefined,
    private readonly log: Logger,
  ) {}

  /** The definitions to list for an upstream (the catalog's tool source). */
  toolsOf(upstream: Upstream): UpstreamTool[] {
    return Array.from(this.byUpstream.get(upstream)?.values() ?? [], (tool) => tool.definition);
  }

  of(upstream: Upstream, tool: string): SurfacedTool | undefined {
    return this.byUpstream.get(upstream)?.get(tool);
  }

  /** Assess what the upstream presents now; resolves once `toolsOf` reflects it. */
  refresh(upstream: Upstream): Promise<void> {
    const next = (this.pending.get(upstream) ?? Promise.resolve()).then(() => this.assess(upstream));
    this.pending.set(upstream, next);
    return next;
  }

  /** Resolves when every assessment started so far has finished. */
  async settled(): Promise<void> {
    await Promise.all(this.pending.values());
  }

  private async assess(upstream: Upstream): Promise<void> {
    // A down upstream presents nothing; assessing an empty list would record an empty pin set.
    if (upstream.state !== 'ready') return void this.byUpstream.set(upstream, new Map());
    const tools = upstream.tools;
    if (!this.pins) return void this.byUpstream.set(upstream, declared(tools));
    try {
      const statuses = await this.pins.assess(upstream.name, identityOf(this.config.upstreams[upstream.name]!), tools);
      this.byUpstream.set(upstream, surfaced(upstream.name, statuses));
    } catch (err) {
      // Fail closed: tools whose pins cannot be checked are not offered at all.
      this.log.error({ err, upstream: upstream.name }, `pins of upstream ${upstream.name} could not be assessed: its tools are hidden`);
      this.byUpstream.set(upstream, new Map());
    }
  }
}

function surfaced(upstream: string, statuses: readonly ToolPinStatus[]): Map<string, SurfacedTool> {
  const out = new Map<string, SurfacedTool>();
  for (const status of statuses) {
    if (status.action === 'hide' || !status.definition) continue;
    const tool: SurfacedTool = { definition: status.definition as UpstreamTool, pin: status.pin };
    if (status.action !== 'expose') tool.quarantine = { action: status.action, reason: driftReason(upstream, status) };
    out.set(status.definition.name, tool);
  }
  return out;
}

/** Without pins: every tool as declared; of two with one name the first is kept, as the catalog would. */
function declared(tools: readonly UpstreamTool[]): Map<string, SurfacedTool> {
  const out = new Map<string, SurfacedTool>();
  for (const tool of tools) if (!out.has(tool.name)) out.set(tool.name, { definition: tool, pin: pinOrNull(tool) });
  return out;
}

function driftReason(upstream: string, status: ToolPinStatus): string {
  const what =
    status.state === 'drifted'
      ? `the definition of tool ${upstream}/${status.tool} changed since it was approved (pin ${short(status.approvedPin)} -> ${short(status.pin)})`
      : `tool ${upstream}/${status.tool} is new since the upstream was pinned (pins.mode: strict)`;
  return `${what}; it is quarantined until a reviewer runs \`toolgate pins approve ${upstream} ${status.tool}\``;
}

function short(pin: string | null): string {
  return pin ? pin.slice(0, 12) : 'none';
}

/** Definitions come from JSON, so pinning only fails on values it cannot canonicalize. */
function pinOrNull(tool: UpstreamTool): string | null {
  try {
    return pinOf(tool);
  } catch {
    return null;
  }
}
