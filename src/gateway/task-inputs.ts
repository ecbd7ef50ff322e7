// The requests for input a task of a 2026-07-28 client waits on (the tasks extension's
// input_required status). Its upstream asks the 2025-11-25 way: requests related to the task, sent
// while toolgate waits on tasks/result. Such a client takes no requests, so each waits here, shown
// on tasks/get under a key, until the client's tasks/update answers it; the answer goes back to the
// upstream as the response to its request (docs/gateway.md, "Tasks").
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { UpstreamRpcError } from '../upstream/index.js';
import { RpcErrorAnswer } from './answer.js';
import type { Result } from './context.js';
import { answersRequest, checkResponses, inputRequest } from './input-required.js';

interface Waiting {
  method: string;
  shown: Result;
  answer(result: Result): void;
  fail(err: Error): void;
}

export class TaskInputs {
  private readonly waiting = new Map<string, Waiting>();
  private serial = 0;

  /** The client's answer to an upstream's request, once tasks/update brings it; fails when the upstream gives up on it or the task ends. Untrusted: `params`. */
  ask(method: string, params: Result, signal: AbortSignal): Promise<Result> {
    const { key, shown } = inputRequest(
      { method, params },
      (k) => this.waiting.has(k),
      () => ++this.serial,
    );
    return new Promise((resolve, reject) => {
      const settled = () => {
        this.waiting.delete(key);
        signal.removeEventListener('abort', gone);
      };
      const gone = () => {
        settled();
        reject(new UpstreamRpcError({ code: ErrorCode.RequestTimeout, message: 'the request was cancelled' }));
      };
      if (signal.aborted) return gone();
      signal.addEventListener('abort', gone, { once: true });
      this.waiting.set(key, {
        method,
        shown,
        answer: (result) => (settled(), resolve(result)),
        fail: (err) => (settled(), reject(err)),
      });
    });
  }

  /** The requests still waiting, by key, as tasks/get shows them; undefined when none waits. */
  requests(): Record<string, Result> | undefined {
    if (this.waiting.size === 0) return undefined;
    return Object.fromEntries([...this.waiting].map(([key, w]) => [key, w.shown]));
  }

  /**
   * tasks/update's inputResponses (untrusted): each answers the waiting request of its key; a key
   * that names none is ignored, as the extension says. All are checked before any is answered.
   */
  answer(responses: unknown): void {
    const malformed = checkResponses(responses) ?? (responses === undefined ? 'inputResponses is required' : undefined);
    if (malformed) throw new RpcErrorAnswer(ErrorCode.InvalidParams, `Invalid params: ${malformed}`);
    const answered = Object.entries(responses as Result).filter(([key]) => this.waiting.has(key));
    for (const [key, response] of answered) {
      const { method } = this.waiting.get(key)!;
      if (!answersRequest(method, response))
        throw new RpcErrorAnswer(ErrorCode.InvalidParams, `Invalid params: inputResponses["${key}"] is not a valid result of ${method}`);
    }
    for (const [key, response] of answered) this.waiting.get(key)!.answer(response as Result);
  }

  /** The task ended: what it asked is answered no more. */
  withdraw(reason: string): void {
    for (const waiting of [...this.waiting.values()]) {
      waiting.fail(new UpstreamRpcError({ code: ErrorCode.RequestTimeout, message: `the client did not answer: ${reason}` }));
    }
  }
}
