// A HOLD for a 2026-07-28 client without the tasks extension: instead of keeping its request open
// until reviewers decide, the held call runs as an internal task of toolgate's (tasks.ts, the gate's
// one approved-hold path) and, while it is held, the client is asked for input: an elicitation naming
// the approval (URL mode, the console's page of the approval, when the console is served). The ask
// becomes an input-required result with a requestState (input-required.ts: signed, expiring, one use
// per round); each retry answers it, and gets the call's result once the approval was granted and
// the call ran, its refusal (with its receipt) once it was rejected or expired, or the same question
// again while the approval is pending. A client that declines cancels the held call; one that never
// retries has it cancelled when its state expires (docs/gateway.md, "Holds for 2026-07-28 clients").
import { randomUUID } from 'node:crypto';
import { ElicitResultSchema, type JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import type { ToolCall } from '../gate/index.js';
import type { Upstream } from '../upstream/index.js';
import type { GatewayContext, Result } from './context.js';
import { TASK_TTL_MS } from './era-2026-tasks.js';
import { INPUT_KEY_META_KEY } from './input-required.js';
import type { ClientSession } from './session.js';
import type { Tasks } from './tasks.js';
import type { TaskView } from './task-view.js';

/** The key the approval's question has in `inputRequests`. */
export const APPROVAL_INPUT_KEY = 'toolgate_approval';
/** The question waits as long as its round does: input-required.ts ends it (listen.http.input_wait), so the SDK's own timeout must not. */
const NO_TIMEOUT = 2_147_483_647;

/** Whether a call of this client may be held without holding its request: it speaks the stateless revision and takes elicitations. */
export function asksWhileHeld(session: ClientSession): boolean {
  return session.protocolVersion !== undefined && session.capabilities.elicitation !== undefined;
}

/** The call's answer, asking the client about the approval each round while it is held. */
export async function callAskingWhileHeld(
  ctx: GatewayContext,
  tasks: Tasks,
  session: ClientSession,
  request: JSONRPCRequest,
  upstream: Upstream | undefined,
  call: ToolCall,
  signal: AbortSignal,
): Promise<Result> {
  const started = await tasks.start(session, upstream, { ttl: TASK_TTL_MS }, call, signal, true);
  const taskId = (started.task as { taskId?: unknown } | undefined)?.taskId;
  // Ended at once (permitted and answered, or refused): the plain answer.
  if (typeof taskId !== 'string' || !tasks.ownedBy(session.principal.id, taskId)) return started;
  const principal = session.principal.id;
  for (;;) {
    const { view, final } = tasks.standingNow(principal, taskId);
    if (final) return plain(final);
    const answer = await session.server.request({ method: 'elicitation/create', params: question(ctx, session, view, call) } as never, ElicitResultSchema, {
      signal,
      relatedRequestId: request.id,
      timeout: NO_TIMEOUT,
    });
    if (answer.action !== 'accept') await tasks.cancelOwned(principal, taskId);
  }
}

/** The elicitation about the approval: its console page when there is one and the client takes URLs, else a form with nothing to fill. */
function question(ctx: GatewayContext, session: ClientSession, view: TaskView, call: ToolCall): Record<string, unknown> {
  const approval = /held for approval (\S+)/.exec(view.statusMessage ?? '')?.[1];
  const console = ctx.consoleUrl?.();
  const message = `${call.request.server}/${call.request.tool}: ${view.statusMessage ?? 'waiting'}. Accept to ask again whether reviewers decided; decline to withdraw the call.`;
  const meta = { _meta: { [INPUT_KEY_META_KEY]: APPROVAL_INPUT_KEY } };
  const takesUrls = (session.capabilities.elicitation as { url?: unknown } | undefined)?.url !== undefined;
  if (console && approval && takesUrls) return { mode: 'url', message, url: `${console}/#/approvals/${approval}`, elicitationId: randomUUID(), ...meta };
  return { mode: 'form', message, requestedSchema: { type: 'object', properties: {} }, ...meta };
}

/** What the call came to, as a plain answer: the result (or refusal) with its receipt, or the error. */
function plain(final: { result: Result } | { error: unknown }): Result {
  if ('error' in final) throw final.error;
  const { _meta, ...result } = final.result;
  // The internal task is toolgate's business, not the client's.
  const { 'io.modelcontextprotocol/related-task': _related, ...meta } = (_meta ?? {}) as Result;
  return Object.keys(meta).length > 0 ? { ...result, _meta: meta } : result;
}
