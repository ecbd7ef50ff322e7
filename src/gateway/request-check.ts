// Requests a client sends that toolgate cannot take, and the JSON-RPC error that answers each one.
// The SDK drops a request that fails its schema without a word, which leaves the client waiting
// for ever; JSON-RPC 2.0 and MCP want every request answered, with an error where it is invalid.
// Each error says what was wrong, so the client (or its developer) can mend the request.
import { ErrorCode, JSONRPCRequestSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** A JSON-RPC error answer. Its id is the request's when one could be read (even a fractional one), else null. */
export interface RpcErrorAnswer {
  jsonrpc: '2.0';
  id: string | number | null;
  error: { code: number; message: string };
}

/** The error to send for `message`, when it is a request the SDK would drop unanswered (untrusted input). */
export function checkRequest(message: JSONRPCMessage): RpcErrorAnswer | undefined {
  if (!('method' in message) || !('id' in message)) return undefined;
  const parsed = JSONRPCRequestSchema.safeParse(message);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0]!;
  const at = issue.path.map(String).join('.');
  const id = message.id;
  if (issue.code === 'unrecognized_keys' && issue.path.length === 0) {
    const keys = issue.keys.map((k) => JSON.stringify(k)).join(', ');
    return errorAnswer(id, ErrorCode.InvalidRequest, `Invalid Request: unknown member ${keys}: a request has only jsonrpc, id, method and params`);
  }
  if (at === 'id')
    return errorAnswer(
      id,
      ErrorCode.InvalidRequest,
      `Invalid Request: the id must be a string or an integer (of magnitude below 2^53), not ${JSON.stringify(id)}`,
    );
  if (at === 'params._meta.progressToken') {
    const token = (message.params as { _meta: { progressToken: unknown } })._meta.progressToken;
    return errorAnswer(id, ErrorCode.InvalidParams, `Invalid params: params._meta.progressToken must be a string or an integer, not ${JSON.stringify(token)}`);
  }
  const code = issue.path[0] === 'params' ? ErrorCode.InvalidParams : ErrorCode.InvalidRequest;
  const kind = code === ErrorCode.InvalidParams ? 'Invalid params' : 'Invalid Request';
  return errorAnswer(id, code, `${kind}: ${at || 'the request'}: ${issue.message}`);
}

/** A request whose id another request of the session still in progress uses: its answer could not be told apart. */
export function duplicateIdAnswer(id: string | number): RpcErrorAnswer {
  return errorAnswer(
    id,
    ErrorCode.InvalidRequest,
    `Invalid Request: id ${JSON.stringify(id)} is already in use by a request in progress in this session (request ids must be unique)`,
  );
}

/**
 * The answers to a stdio line that is not one JSON-RPC message: `undefined` for a line that is not
 * JSON (parse error), an array for a batch (MCP over stdio carries one message per line, so each
 * request in it is refused under its own id), anything else is an invalid request.
 */
export function unreadableLineAnswers(value: unknown): RpcErrorAnswer[] {
  if (value === undefined) return [errorAnswer(null, ErrorCode.ParseError, 'Parse error: the line is not JSON')];
  // An answer is never answered, not even a broken one: two peers that did so could loop for ever.
  if (value !== null && typeof value === 'object' && ('result' in value || 'error' in value)) return [];
  if (!Array.isArray(value)) return [errorAnswer(readableId(value), ErrorCode.InvalidRequest, 'Invalid Request: not a JSON-RPC 2.0 message')];
  const requests = value.filter((m) => typeof (m as { method?: unknown } | null)?.method === 'string' && readableId(m) !== null);
  const message = 'Invalid Request: batches are not accepted over stdio; send one message per line';
  if (requests.length === 0) return [errorAnswer(null, ErrorCode.InvalidRequest, message)];
  return requests.map((request) => errorAnswer(readableId(request), ErrorCode.InvalidRequest, message));
}

function readableId(value: unknown): string | number | null {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

function errorAnswer(id: string | number | null, code: number, message: string): RpcErrorAnswer {
  return { jsonrpc: '2.0', id, error: { code, message } };
}
