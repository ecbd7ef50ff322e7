// What a running toolgate must undo at shutdown, in the reverse order it was opened. A step that
// fails to close is logged and the rest still close: a stuck timer must not keep the ledger open.
// Nor may a step that never settles (a connection to an upstream that died mid-close): each step
// gets a bounded time, after which it is logged and left behind, so the ledger still closes and
// `toolgate serve` still exits on the first SIGTERM.
import type { Logger } from '../../log.js';

/** How long one shutdown step may take before the next ones go on without it. */
const STEP_TIMEOUT_MS = 5_000;

export class Closers {
  readonly #steps: Array<() => unknown> = [];

  constructor(
    private readonly log: Logger,
    private readonly stepTimeoutMs = STEP_TIMEOUT_MS,
  ) {}

  add(close: () => unknown): void {
    this.#steps.push(close);
  }

  /** Clears a repeating timer at shutdown. */
  addTimer(timer: NodeJS.Timeout): void {
    this.add(() => clearInterval(timer));
  }

  async closeAll(): Promise<void> {
    const steps = this.#steps.splice(0).reverse();
    for (const [position, close] of steps.entries()) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), this.stepTimeoutMs);
      });
      try {
        const outcome = await Promise.race([Promise.resolve().then(close), timedOut]);
        if (outcome === 'timeout') {
          this.log.error({ step: steps.length - position, timeoutMs: this.stepTimeoutMs }, 'shutdown step did not finish in time; the others go on');
        }
      } catch (err) {
        this.log.error({ err }, 'shutdown step failed');
      } finally {
        clearTimeout(timer);
      }
    }
  }
}
