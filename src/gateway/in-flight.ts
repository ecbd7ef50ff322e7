// The tools/call requests the gateway is working on, so that a shutdown can drain: once draining,
// new calls are refused at once, and the drain settles when the calls in flight have finished or
// the deadline passed. A held call is just a call in flight here (the gate ends its waits itself).
export interface DrainOutcome {
  /** True when every call in flight finished before the deadline. */
  clean: boolean;
  /** Calls still in flight when the drain settled. */
  inFlight: number;
}

export class CallsInFlight {
  private count = 0;
  private draining_ = false;
  private readonly idleWaiters = new Set<() => void>();

  get draining(): boolean {
    return this.draining_;
  }

  async track<T>(run: () => Promise<T>): Promise<T> {
    this.count++;
    try {
      return await run();
    } finally {
      this.count--;
      if (this.count === 0) for (const wake of this.idleWaiters) wake();
    }
  }

  async drain(deadlineMs: number): Promise<DrainOutcome> {
    this.draining_ = true;
    if (this.count > 0) {
      let timer: NodeJS.Timeout | undefined;
      let wake: () => void = () => undefined;
      const idle = new Promise<void>((resolve) => this.idleWaiters.add((wake = resolve)));
      const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)));
      await Promise.race([idle, deadline]);
      clearTimeout(timer);
      this.idleWaiters.delete(wake);
    }
    return { clean: this.count === 0, inFlight: this.count };
  }
}
