// The pin registry: assesses what each upstream presents against its approved pins, records
// drifts in the store, tells listeners (reviewer notifications, signed receipts) and accepts a
// reviewer's approval of a drifted definition. The decision itself is the pure `assess`.
import type { Logger } from '../log.js';
import {
  assess,
  effectivePins,
  type ApprovedDefinition,
  type AssessInput,
  type Assessment,
  type DriftAction,
  type PinAction,
  type PinMode,
  type ToolPinStatus,
} from './assess.js';
import { PinError } from './errors.js';
import type { FileUpstream, PinsFile } from './file.js';
import type { UpstreamIdentity } from './identity.js';
import type { PendingDrift, UpstreamPins } from './record.js';
import type { PinStore } from './store.js';
import { vetTools } from './vet.js';

export type PinEvent =
  | { kind: 'drift'; upstream: string; identity: string; tool: string; from: string | null; to: string; action: PinAction; at: string }
  | { kind: 'approved'; upstream: string; identity: string; tool: string; from: string | null; to: string; reviewer: string; at: string };

export type PinListener = (event: PinEvent) => void;

export interface PinRegistryOptions {
  store: PinStore;
  mode: PinMode;
  onDrift: DriftAction;
  /** The loaded pins file (`pins.file`), which wins over the store. */
  file?: PinsFile;
  log?: Logger;
  now?: () => Date;
}

export class PinRegistry {
  private readonly listeners = new Set<PinListener>();
  private readonly now: () => Date;

  constructor(private readonly options: PinRegistryOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Calls `listener` for every new drift and every approval; returns the unsubscribe function. */
  subscribe(listener: PinListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The state and action of each tool an upstream presents now (`tools` is untrusted, as listed),
   * recording first-sight pins and drifts in the store and telling listeners about new drifts.
   */
  async assess(upstream: string, identity: UpstreamIdentity, tools: readonly unknown[]): Promise<ToolPinStatus[]> {
    const input = this.inputFor(upstream, identity, tools);
    let outcome: Assessment | undefined;
    await this.options.store.update(identity.sha256, (record) => {
      outcome = assess({ ...input, record });
      return outcome.record;
    });
    const { statuses, newDrifts } = outcome!;
    const at = input.now;
    for (const status of statuses) {
      if (status.flags.length) this.options.log?.warn({ upstream, tool: status.tool, flags: status.flags }, `tool ${upstream}/${status.tool} is flagged`);
    }
    for (const drift of newDrifts) {
      const action = statuses.find((s) => s.definition?.name === drift.tool)?.action ?? this.options.onDrift;
      this.options.log?.warn(
        { upstream, tool: drift.tool, from: drift.from, to: drift.to, action },
        `tool ${upstream}/${drift.tool} ${drift.from ? 'changed its definition' : 'is new'}: quarantined (${action}) until approved`,
      );
      this.emit({ kind: 'drift', upstream, identity: identity.sha256, tool: drift.tool, from: drift.from, to: drift.to, action, at });
    }
    return statuses;
  }

  /** What `assess` would answer, without recording anything or telling anyone (reports). */
  async preview(upstream: string, identity: UpstreamIdentity, tools: readonly unknown[]): Promise<ToolPinStatus[]> {
    const record = await this.options.store.get(identity.sha256);
    return assess({ ...this.inputFor(upstream, identity, tools), record }).statuses;
  }

  private inputFor(upstream: string, identity: UpstreamIdentity, tools: readonly unknown[]): Omit<AssessInput, 'record'> {
    const { mode, onDrift } = this.options;
    return { upstream, identity, vetted: vetTools(tools), file: this.fileEntry(upstream, identity), mode, onDrift, now: this.now().toISOString() };
  }

  /** Accepts the pending definition of a drifted (or, in strict mode, new) tool. */
  async approve(upstream: string, identity: UpstreamIdentity, tool: string, reviewer: string, expectedPin?: string): Promise<PinEvent> {
    const at = this.now().toISOString();
    let accepted: PendingDrift | undefined;
    await this.options.store.update(identity.sha256, (record) => {
      accepted = record?.drifts[tool];
      if (!accepted) throw new PinError('nothing_to_approve', `tool ${upstream}/${tool} has no pending change to approve (see toolgate pins diff)`);
      if (expectedPin && accepted.to !== expectedPin) {
        throw new PinError(
          'nothing_to_approve',
          `tool ${upstream}/${tool} changed again (pending pin ${accepted.to}, not ${expectedPin}): review the diff again`,
        );
      }
      const { [tool]: _done, ...drifts } = record!.drifts;
      const pin = { sha256: accepted.to, definition: accepted.definition, approved_by: reviewer, approved_at: at, replaces: accepted.from };
      return { ...record!, pins: { ...record!.pins, [tool]: pin }, drifts };
    });
    const event: PinEvent = { kind: 'approved', upstream, identity: identity.sha256, tool, from: accepted!.from, to: accepted!.to, reviewer, at };
    this.options.log?.info({ upstream, tool, reviewer, pin: accepted!.to }, `tool ${upstream}/${tool}: new definition approved by ${reviewer}`);
    this.emit(event);
    return event;
  }

  /** The approved pins of one upstream (pins file and store together), for export. */
  async approved(upstream: string, identity: UpstreamIdentity): Promise<Record<string, ApprovedDefinition>> {
    const record = await this.options.store.get(identity.sha256);
    return effectivePins(record, this.fileEntry(upstream, identity));
  }

  /** The stored pin set of one upstream, with its pending drifts. */
  async record(identity: UpstreamIdentity): Promise<UpstreamPins | undefined> {
    return this.options.store.get(identity.sha256);
  }

  /** The pins file's entry for the upstream, only when it was exported from the same identity. */
  private fileEntry(upstream: string, identity: UpstreamIdentity): FileUpstream | undefined {
    const entry = this.options.file?.upstreams[upstream];
    if (entry && entry.identity !== identity.sha256) {
      this.options.log?.warn({ upstream }, `pins file: upstream ${upstream} was pinned for another server (identity differs): its pins are ignored`);
      return undefined;
    }
    return entry;
  }

  private emit(event: PinEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.options.log?.error({ err, kind: event.kind }, 'a pin event listener failed');
      }
    }
  }
}
