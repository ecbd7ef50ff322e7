// Held requests waiting for a decision. A waiter resolves when its approval leaves `pending`, when
// its wait ends, or when its request is aborted; meanwhile it beats so the gate can send progress.
import type { HeldCall, Settled } from './schema.js';

export interface WaitOptions {
  /** How long to keep the request open before answering "still pending". */
  waitMs: number;
  /** The client cancelled the request: stop waiting (the caller decides whether to cancel the approval). */
  signal?: AbortSignal;
  /** Called every heartbeat with a strictly increasing count, starting at 1. */
  onHeartbeat?: (beat: number, approval: HeldCall) => void | Promise<void>;
}

export class Waiters {
  private readonly byId = new Map<string, Set<(settled: Settled) => void>>();

  constructor(
    private readonly heartbeatMs: number,
    private readonly onHeartbeatError: (err: unknown) => void,
  ) {}

  /** Tell the waiters of this approval about its new state (they resolve unless it is still pending). */
  notify(settled: Settled): void {
    for (const wake of this.byId.get(settled.approval.id) ?? []) wake(settled);
  }

  /** Whether a held request is still open on approval `id`: approving it lets that request go ahead. */
  isWaiting(id: string): boolean {
    return (this.byId.get(id)?.size ?? 0) > 0;
  }

  /** Waits on approval `id`; `read` runs after registering, so no change slips between read and wait. */
  wait(id: string, read: () => Promise<HeldCall>, options: WaitOptions): Promise<Settled> {
    return new Promise<Settled>((resolve, reject) => {
      let latest: Settled | undefined;
      let beats = 0;
      const wakers = this.byId.get(id) ?? new Set();
      this.byId.set(id, wakers);
      const stop = () => {
        clearTimeout(timer);
        clearInterval(heartbeat);
        options.signal?.removeEventListener('abort', onAbort);
        wakers.delete(wake);
        if (wakers.size === 0 && this.byId.get(id) === wakers) this.byId.delete(id);
      };
      const finish = (settled: Settled) => {
        stop();
        resolve(settled);
      };
      const wake = (settled: Settled) => {
        latest = settled;
        if (settled.approval.status !== 'pending') finish(settled);
      };
      const onAbort = () => latest && finish(latest);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        if (latest) finish(latest);
      }, options.waitMs);
      const heartbeat = setInterval(() => {
        const current = latest;
        if (!current || !options.onHeartbeat) return;
        beats += 1;
        Promise.resolve()
          .then(() => options.onHeartbeat!(beats, current.approval))
          .catch(this.onHeartbeatError);
      }, this.heartbeatMs);
      wakers.add(wake);
      read().then(
        (approval) => {
          latest ??= { approval };
          if (latest.approval.status !== 'pending' || timedOut || options.signal?.aborted) finish(latest);
          else options.signal?.addEventListener('abort', onAbort, { once: true });
        },
        (err: unknown) => {
          stop();
          reject(err);
        },
      );
    });
  }
}
