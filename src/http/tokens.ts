// Bearer tokens: read from the Authorization header, and checked against configured sha256
// digests in constant time. Every entry is compared, so timing tells nothing about which matched.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Untrusted: the client's bearer token, or undefined when the header is absent or not `Bearer <token>`. */
export function bearerToken(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
}

/** Who holds which token, by the token's sha256 (hex) as the config stores it. */
export class TokenTable<Holder> {
  private readonly entries: Array<{ digest: Buffer; holder: Holder }>;

  constructor(entries: Iterable<{ token_sha256: string; holder: Holder }>) {
    this.entries = Array.from(entries, (e) => ({ digest: Buffer.from(e.token_sha256, 'hex'), holder: e.holder }));
  }

  get size(): number {
    return this.entries.length;
  }

  /** The holder of `token`, or undefined. */
  find(token: string): Holder | undefined {
    const digest = createHash('sha256').update(token, 'utf8').digest();
    let found: Holder | undefined;
    for (const entry of this.entries) if (entry.digest.length === digest.length && timingSafeEqual(entry.digest, digest)) found = entry.holder;
    return found;
  }
}
