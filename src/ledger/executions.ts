// "No permit, no execution", checked from the ledger alone: a `complete`, `fail` or `unknown` names in `ref` the
// permit of its own call, written before it, and each permit runs at most once. Memory holds only
// the permits whose execution is not recorded yet (a crash between dispatch and record leaves one).
import type { LineFacts } from './verify-line.js';

export class Executions {
  /** call id -> leaf hash (hex) of its permit whose execution is not recorded yet. */
  private readonly waiting = new Map<string, string>();

  /** A receipt in ledger order, with its leaf hash; returns what is wrong with it, if anything. */
  take(facts: LineFacts, leaf: string): string | undefined {
    if (facts.event === 'permit') this.waiting.set(facts.callId!, leaf);
    if (facts.event !== 'complete' && facts.event !== 'fail' && facts.event !== 'unknown') return undefined;
    if (this.waiting.get(facts.callId!) !== facts.ref) {
      return `${facts.event} of call ${facts.callId} does not name (ref) a permit of that call written before it and not executed yet`;
    }
    this.waiting.delete(facts.callId!);
    return undefined;
  }
}
