// What a running toolgate must undo at shutdown, in the reverse order it was opened. A step that
// fails to close is logged and the rest still close: a stuck timer must not keep the ledger open.
import type { Logger } from '../../log.js';

export class Closers {
  readonly #steps: Array<() => unknown> = [];

  constructor(private readonly log: Logger) {}

  add(close: () => unknown): void {
    this.#steps.push(close);
  }

  /** Clears a repeating timer at shutdown. */
  addTimer(timer: NodeJS.Timeout): void {
    this.add(() => clearInterval(timer));
  }

  async closeAll(): Promise<void> {
    for (const close of this.#steps.splice(0).reverse()) {
      try {
        await close();
      } catch (err) {
        this.log.error({ err }, 'shutdown step failed');
      }
    }
  }
}
