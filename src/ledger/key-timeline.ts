// The key timeline of one ledger, walked in seq order by `ledger verify`: the first receipt's key is
// current; a `rotate` receipt signed by the current key hands over to the key it names, after which
// the old key is retired and signs nothing more (no receipt, no checkpoint); any other key signing is
// a key nobody handed over to. A hand-over signed by the new key is accepted only when the verifier's
// keyring marks the old key lost (`toolgate keys rotate --lost`), since then no predecessor vouches for
// it. Each rotate receipt was already checked on its own (receipts/rotation.ts).
import type { Keyring } from '../receipts/index.js';

/** Who vouches for one receipt, and the hand-over it records if it is a rotate receipt. */
export interface SignedBy {
  /** The keyring key that signed the receipt, or that certified the receipt key that did. */
  keyId: string;
  rotation?: { from: string; to: string; toPublicKey: string };
}

export interface TimelineProblem {
  code: 'key_retired' | 'key_not_handed_over' | 'rotation_invalid';
  message: string;
}

export class KeyTimeline {
  private current: string | null = null;
  private readonly retired = new Set<string>();

  constructor(private readonly keyring: Keyring) {}

  /** The next receipt in seq order: a problem, or undefined when its key may sign it. */
  receipt(signed: SignedBy): TimelineProblem | undefined {
    if (this.retired.has(signed.keyId)) return retired(signed.keyId);
    if (signed.rotation) return this.handOver(signed.keyId, signed.rotation);
    this.current ??= signed.keyId;
    if (signed.keyId === this.current) return undefined;
    return { code: 'key_not_handed_over', message: `${signed.keyId} signs, but no rotate receipt signed by the current key ${this.current} hands over to it` };
  }

  /** A checkpoint over the receipts walked so far, signed by `keyId`. */
  checkpoint(keyId: string): TimelineProblem | undefined {
    if (this.retired.has(keyId)) return retired(keyId);
    if (this.current === null || keyId === this.current) return undefined;
    return { code: 'key_not_handed_over', message: `checkpoint signed by ${keyId}, but the current key is ${this.current}` };
  }

  private handOver(keyId: string, { from, to, toPublicKey }: NonNullable<SignedBy['rotation']>): TimelineProblem | undefined {
    this.current ??= from;
    if (from !== this.current)
      return { code: 'key_not_handed_over', message: `rotate receipt hands over from ${from}, but the current key is ${this.current}` };
    if (this.retired.has(to)) return retired(to);
    if (keyId !== from && !this.keyring.get(from)?.entry.lost) {
      return {
        code: 'key_not_handed_over',
        message: `the hand-over from ${from} to ${to} is signed by the new key, not by ${from}: only a keyring that marks ${from} lost ("lost": true) accepts it`,
      };
    }
    const held = this.keyring.get(to);
    if (held && held.entry.public_key !== toPublicKey) {
      return { code: 'rotation_invalid', message: `rotate receipt names a public key for ${to} that differs from the keyring's` };
    }
    this.retired.add(from);
    this.current = to;
    return undefined;
  }
}

function retired(keyId: string): TimelineProblem {
  return { code: 'key_retired', message: `${keyId} was retired by an earlier rotate receipt and signs nothing after it` };
}
