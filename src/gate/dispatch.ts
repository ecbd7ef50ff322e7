// dispatch: the one place a permitted call goes upstream, within its deadline (the client's
// cancellation and the policy's `constraints.timeout` both cancel the upstream request, which the
// upstream area tells the upstream with notifications/cancelled), and what became of it.
import type { TimeoutConstraint } from '../core/index.js';
import { fateOf } from '../upstream/index.js';
import type { ToolCall } from './types.js';

/** What a dispatch came to: a result, or no result and why (its fate, and whether the gate's own deadline ended it). */
export type Dispatched =
  | { kind: 'result'; result: Record<string, unknown>; upstreamMs: number }
  | { kind: 'no_result'; err: unknown; fate: ReturnType<typeof fateOf>; upstreamMs: number; timedOut?: TimeoutConstraint };

export async function dispatchWithin(call: ToolCall, args: Record<string, unknown>, timeout: TimeoutConstraint | undefined): Promise<Dispatched> {
  const deadline = timeout && new AbortController();
  // The reason travels to the upstream in notifications/cancelled.
  const timer = deadline && setTimeout(() => deadline.abort(`toolgate: ${timeoutWords(timeout)} reached`), timeout.ms);
  const signal = deadline ? AbortSignal.any([call.signal, deadline.signal]) : call.signal;
  const sent = performance.now();
  try {
    const result = await call.dispatch(args, signal);
    return { kind: 'result', result, upstreamMs: performance.now() - sent };
  } catch (err) {
    const upstreamMs = performance.now() - sent;
    return { kind: 'no_result', err, fate: fateOf(err), upstreamMs, ...(deadline?.signal.aborted ? { timedOut: timeout } : {}) };
  } finally {
    clearTimeout(timer);
  }
}

/** The constraint in the words refusals use: `constraints.timeout of rule bounded (300s)`. */
export function timeoutWords(timeout: TimeoutConstraint): string {
  return `constraints.timeout of rule ${timeout.ruleId} (${timeout.written})`;
}
