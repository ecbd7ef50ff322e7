// The gate answers every governed request alike; the client gets it in the shape of its method.
// A tools/call gets a tool result (a refusal is an isError result, as agents expect). Any other
// method gets its result, or a JSON-RPC error REFUSED_CODE; either way the receipt travels with it.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { APPROVAL_META_KEY, ERROR_ID_META_KEY, RECEIPT_META_KEY, type GateAnswer } from '../gate/index.js';
import type { Result } from './context.js';

/** The JSON-RPC error code of a request the gate refused (denied, silenced, held, failed closed). */
export const REFUSED_CODE = -32003;

/** A refusal on its way to the client as a JSON-RPC error: the gate's own words (unlike McpError, no "MCP error" prefix), code and data. */
export class Refused extends Error {
  readonly code = REFUSED_CODE;

  constructor(
    message: string,
    readonly data: Record<string, unknown>,
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

export function toolResult(answer: GateAnswer): CallToolResult {
  if (answer.kind === 'result') return withReceiptMeta(answer.result, answer) as CallToolResult;
  const meta = refusalMeta(answer);
  return { isError: true, content: [{ type: 'text', text: answer.message }], ...(Object.keys(meta).length ? { _meta: meta } : {}) };
}

/** A result with its receipt in `_meta`, or (thrown) a JSON-RPC error whose data holds the receipt and the approval. */
export function methodResult(answer: GateAnswer): Result {
  if (answer.kind === 'result') return withReceiptMeta(answer.result, answer);
  throw new Refused(answer.message, refusalMeta(answer));
}
