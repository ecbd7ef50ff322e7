// The seam between the gateway (which speaks MCP) and the gate (which decides and records), and
// what each step of the gate returns.
import type { CallRequest } from '../core/index.js';
import type { AppendedReceipt } from '../ledger/index.js';
import type { GateAnswer, TaskAnswer } from './answer.js';

/** Why a surface cannot be called as listed, decided by the gateway before any policy runs. */
export interface Quarantine {
  /** silence: no such tool; hold / deny: the tool's definition drifted from its pin (`pins.on_drift`). */
  action: 'silence' | 'hold' | 'deny';
  reason: string;
}

/** One governed request (a tools/call, a resources/read ...) handed to the gate by the gateway. */
export interface ToolCall {
  request: CallRequest;
  /** Forward the request upstream with these arguments, cancelled when `signal` aborts (the client cancelled, or the gate's deadline passed); the gateway carries progress. Resolves with the upstream's result. */
  dispatch(args: Record<string, unknown>, signal: AbortSignal): Promise<Record<string, unknown>>;
  /** Aborted when the client cancels the request (notifications/cancelled). */
  signal: AbortSignal;
  /** Present when the client sent a progress token: report progress on the client's token. */
  progress?: (progress: number, message: string) => Promise<void>;
  quarantine?: Quarantine;
  /** The tool's definition as the client was shown it (for reviewers of a held call). */
  definition?: Record<string, unknown>;
}

export interface CallHandler {
  handle(call: ToolCall): Promise<GateAnswer>;
  /** A tools/call the client asked for as a task (`params.task`): a hold is answered at once, and a call the upstream takes as a task ends later. */
  handleAsTask(call: ToolCall): Promise<TaskAnswer>;
}

/** A call on its way through the gate: whether the client asked for it as a task. */
export type GateCall = ToolCall & { asTask: boolean };

/** What happened to a call once the gate is done with it: what each final step returns. */
export interface Answered {
  /** The event of the last receipt: what finally happened to the call ("error" when none could be written). */
  final: string;
  /** That last receipt, when there is one. */
  receipt?: AppendedReceipt;
  /** What the client gets (the gateway shapes it for the method). */
  answer: TaskAnswer;
  /** Time spent upstream, when the call was dispatched. */
  upstreamMs?: number;
  /** For a call that goes on (held as a task, a task upstream): what it finally came to. */
  ended?: Promise<Answered>;
}
