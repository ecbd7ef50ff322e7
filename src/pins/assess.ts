// The pure decision of the pin registry: given what an upstream presents now, the approved pins
// (pins file and store) and the configured mode, the state and action of every tool, the next
// stored pin set, and the drifts that are new since the last assessment. No I/O, no clock.
import type { ToolDefinition } from './definition.js';
import type { FileUpstream } from './file.js';
import type { ApprovedPin, PendingDrift, UpstreamPins } from './record.js';
import type { Flag, VettedTool } from './vet.js';

export type PinState = 'pinned' | 'new' | 'drifted' | 'invalid';
export type PinAction = 'expose' | 'hide' | 'hold' | 'deny';
export type PinMode = 'trust-on-first-use' | 'strict';
export type DriftAction = 'hide' | 'hold' | 'deny';

export interface ToolPinStatus {
  /** The upstream's tool name (invisible characters escaped for an invalid one). */
  tool: string;
  state: PinState;
  action: PinAction;
  /** The pin of the definition presented now (null when invalid). */
  pin: string | null;
  /** The approved pin (null when none). */
  approvedPin: string | null;
  /** The bounded definition to show clients when the action is not "hide". */
  definition: ToolDefinition | null;
  flags: Flag[];
}

export interface ApprovedDefinition {
  sha256: string;
  definition: ToolDefinition;
}

export interface AssessInput {
  upstream: string;
  identity: { sha256: string; label: string };
  vetted: readonly VettedTool[];
  record: UpstreamPins | undefined;
  /** The pins file's entry for this upstream, already checked to carry the same identity. */
  file: FileUpstream | undefined;
  mode: PinMode;
  onDrift: DriftAction;
  /** RFC 3339 time of the assessment. */
  now: string;
}

export interface Assessment {
  statuses: ToolPinStatus[];
  /** The pin set to store; the input record itself when nothing changed. */
  record: UpstreamPins | undefined;
  /** Drifts recorded by this assessment (not those already pending with the same definition). */
  newDrifts: Array<{ tool: string } & PendingDrift>;
}

/**
 * The approved pins: the pins file wins over the store, except where a reviewer approved a newer
 * definition on top of the file's pin (the stored pin `replaces` the file's).
 */
export function effectivePins(record: UpstreamPins | undefined, file: FileUpstream | undefined): Record<string, ApprovedDefinition> {
  const out: Record<string, ApprovedDefinition> = { ...(record?.pins ?? {}) };
  for (const [tool, pin] of Object.entries(file?.tools ?? {})) {
    if (record?.pins[tool]?.replaces !== pin.sha256) out[tool] = pin;
  }
  return out;
}

export function assess(input: AssessInput): Assessment {
  const { vetted, mode, onDrift, now } = input;
  const approved = effectivePins(input.record, input.file);
  const firstPinned = input.record !== undefined || input.file !== undefined;
  const pins: Record<string, ApprovedPin> = { ...(input.record?.pins ?? {}) };
  const drifts: Record<string, PendingDrift> = { ...(input.record?.drifts ?? {}) };
  const newDrifts: Assessment['newDrifts'] = [];
  let changed = input.record === undefined || input.record.upstream !== input.upstream;

  const statuses = vetted.map((tool): ToolPinStatus => {
    const base = { tool: tool.name, pin: tool.pin, definition: tool.definition, flags: tool.flags };
    if (tool.invalid || !tool.definition || !tool.pin) {
      return { ...base, state: 'invalid', action: 'hide', approvedPin: approved[tool.name]?.sha256 ?? null };
    }
    const name = tool.definition.name;
    const current = approved[name];
    if (current?.sha256 === tool.pin) {
      // The upstream went back to the approved definition: the pending drift is moot.
      if (drifts[name]) {
        delete drifts[name];
        changed = true;
      }
      return { ...base, state: 'pinned', action: 'expose', approvedPin: current.sha256 };
    }
    if (!current && (!firstPinned || mode === 'trust-on-first-use')) {
      pins[name] = { sha256: tool.pin, definition: tool.definition, approved_by: 'first-sight', approved_at: now, replaces: null };
      changed = true;
      return { ...base, state: 'new', action: 'expose', approvedPin: null };
    }
    if (drifts[name]?.to !== tool.pin) {
      const drift: PendingDrift = {
        from: current?.sha256 ?? null,
        to: tool.pin,
        previous: current?.definition ?? null,
        definition: tool.definition,
        seen_at: now,
      };
      drifts[name] = drift;
      newDrifts.push({ tool: name, ...drift });
      changed = true;
    }
    return { ...base, state: current ? 'drifted' : 'new', action: onDrift, approvedPin: current?.sha256 ?? null };
  });

  const record: UpstreamPins | undefined = changed
    ? { identity: input.identity.sha256, label: input.identity.label, upstream: input.upstream, pins, drifts }
    : input.record;
  return { statuses, record, newDrifts };
}
