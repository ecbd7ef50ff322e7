// The gate answers every governed request alike; the client gets it in the shape of its method.
// A tools/call gets a tool result (a refusal is an isError result, as agents expect). Any other
// method gets its result, or a JSON-RPC error REFUSED_CODE; either way the receipt travels with it.
// An upstream's own JSON-RPC error answer reaches the client as that error, whatever the method.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { APPROVAL_META_KEY, ERROR_ID_META_KEY, RECEIPT_META_KEY, type GateAnswer, type TaskAnswer } from '../gate/index.js';
import type { Envelope } from '../receipts/index.js';
import type { Result } from './context.js';

/** The JSON-RPC error code of a request the gate refused (denied, silenced, held, failed closed). */
export const REFUSED_CODE = -32003;

/**
 * A JSON-RPC error on its way to the client: its code, its own words (unlike McpError, which
 * prefixes "MCP error <code>:", so that an upstream's message is not worded twice) and its data.
 */
export class RpcErrorAnswer extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** What a refusal carries besides its words: its receipt, the error id of a fault and, for a held request, the approval. */
function refusalMeta(answer: Extract<GateAnswer, { kind: 'refusal' }>): Record<string, unknown> {
  return {
    ...(answer.approval ? { [APPROVAL_META_KEY]: answer.approval } : {}),
    ...(answer.errorId ? { [ERROR_ID_META_KEY]: answer.errorId } : {}),
    ...(answer.receipt ? { [RECEIPT_META_KEY]: answer.receipt } : {}),
  };
}

function withReceiptMeta(result: Record<string, unknown>, answer: Extract<GateAnswer, { kind: 'result' }>): Result {
  if (!answer.receipt) return result;
  return { ...result, _meta: { ...(result._meta as Record<string, unknown> | undefined), [RECEIPT_META_KEY]: answer.receipt } };
}

/**
 * The upstream's error as it sent it, with the receipt beside its data: in the data object, or as
 * the data when it sent none. Data of another type (a string, a list) is left alone, without the receipt.
 */
function upstreamError({ error, receipt }: Extract<GateAnswer, { kind: 'upstream-error' }>): RpcErrorAnswer {
  return new RpcErrorAnswer(error.code, error.message, withReceiptData(error.data, receipt));
}

function withReceiptData(data: unknown, receipt: Envelope | undefined): unknown {
  if (!receipt) return data;
  if (data === undefined) return { [RECEIPT_META_KEY]: receipt };
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return data;
  return { ...data, [RECEIPT_META_KEY]: receipt };
}

/** What a task's CreateTaskResult carries: the call's receipt so far and, for a held call, its approval (or a fault's error id). */
export function taskMeta(answer: TaskAnswer): Result {
  return {
    ...('approval' in answer && answer.approval ? { [APPROVAL_META_KEY]: answer.approval } : {}),
    ...('errorId' in answer && answer.errorId ? { [ERROR_ID_META_KEY]: answer.errorId } : {}),
    ...(answer.receipt ? { [RECEIPT_META_KEY]: answer.receipt } : {}),
  };
}

export function toolResult(answer: GateAnswer): CallToolResult {
  if (answer.kind === 'result') return withReceiptMeta(answer.result, answer) as CallToolResult;
  if (answer.kind === 'upstream-error') throw upstreamError(answer);
  const meta = refusalMeta(answer);
  return { isError: true, content: [{ type: 'text', text: answer.message }], ...(Object.keys(meta).length ? { _meta: meta } : {}) };
}

/** A result with its receipt in `_meta`, or (thrown) a JSON-RPC error whose data holds the receipt and the approval. */
export function methodResult(answer: GateAnswer): Result {
  if (answer.kind === 'result') return withReceiptMeta(answer.result, answer);
  if (answer.kind === 'upstream-error') throw upstreamError(answer);
  throw new RpcErrorAnswer(REFUSED_CODE, answer.message, refusalMeta(answer));
}
