// The witness's decision on one add-checkpoint request (C2SP tlog-witness), in the order the spec
// gives: parse (400), known origin (404), the log's signature (403), old size (400), old size against
// what it last cosigned (409 with that size), the empty tree (422), the consistency proof (422), then
// cosign, store durably, answer. The check and the store run in one synchronous step, so no second
// request can slip between them (the spec's rollback race needs none of its own locking here).
import type { Logger } from 'pino';
import { EMPTY_ROOT, parseCheckpoint, verifyCheckpoint, verifyConsistency } from '../ledger/index.js';
import type { Keyring } from '../receipts/index.js';
import { cosign } from './cosignature.js';
import type { WitnessIdentity } from './key-file.js';
import { parseAddCheckpoint, type AddCheckpoint } from './request.js';
import type { WitnessState } from './state.js';

export interface WitnessReply {
  status: number;
  contentType: string;
  body: string;
}

/** toolgate ledgers name their log "toolgate/<chain id>" (docs/receipts.md §8). */
const TOOLGATE_ORIGIN = /^toolgate\/[A-Za-z0-9_-]{1,100}$/;

const text = (status: number, body: string): WitnessReply => ({ status, contentType: 'text/plain; charset=utf-8', body: `${body}\n` });

export interface WitnessOptions {
  identity: WitnessIdentity;
  state: WitnessState;
  /** The logs' keys, read per request so that a rotated log key is trusted once the keyring file has it. */
  trust: () => Keyring;
  log: Logger;
  /** Unix seconds. */
  now?: () => number;
}

export class Witness {
  constructor(private readonly opts: WitnessOptions) {}

  /** Untrusted input: a request body. */
  addCheckpoint(body: string): WitnessReply {
    let request: AddCheckpoint;
    let parsed: ReturnType<typeof parseCheckpoint>;
    try {
      request = parseAddCheckpoint(body);
      parsed = parseCheckpoint(request.note);
    } catch (err) {
      return text(400, (err as Error).message);
    }
    const { checkpoint } = parsed;
    if (!TOOLGATE_ORIGIN.test(checkpoint.origin)) return text(404, `unknown log ${JSON.stringify(checkpoint.origin.slice(0, 120))}`);
    const keyring = this.opts.trust();
    try {
      verifyCheckpoint(request.note, keyring);
    } catch (err) {
      return text(403, (err as Error).message);
    }
    if (request.oldSize > checkpoint.size) return text(400, `old size ${request.oldSize} is larger than the checkpoint's ${checkpoint.size}`);
    const latest = this.opts.state.latest(checkpoint.origin);
    const latestSize = latest?.size ?? 0;
    if (request.oldSize !== latestSize) return { status: 409, contentType: 'text/x.tlog.size', body: `${latestSize}\n` };
    if (checkpoint.size === 0 && !checkpoint.root.equals(EMPTY_ROOT)) return text(422, 'a checkpoint of size 0 must have the root of the empty tree');
    const consistent =
      request.oldSize === 0 ? request.proof.length === 0 : verifyConsistency(request.oldSize, checkpoint.size, request.proof, latest!.root, checkpoint.root);
    if (!consistent) {
      // Evidence of a log that rolled back or forked: both notes are signed by its key.
      this.opts.log.warn(
        { origin: checkpoint.origin, cosigned: latest?.note, refused: request.note },
        'witness: refused a checkpoint inconsistent with the one cosigned before',
      );
      return text(422, `the checkpoint of size ${checkpoint.size} is not consistent with the checkpoint of size ${latestSize} cosigned before`);
    }
    const line = cosign(parsed.text, this.opts.identity.name, this.opts.identity.signer, this.now());
    this.opts.state.store(checkpoint.origin, `${request.note}${line}`);
    this.opts.log.info({ origin: checkpoint.origin, size: checkpoint.size }, 'witness: cosigned');
    return { status: 200, contentType: 'text/plain; charset=utf-8', body: line };
  }

  /** GET <origin hash>/checkpoint: the latest checkpoint cosigned for that log, with both signatures. */
  latestCheckpoint(hash: string): WitnessReply {
    const latest = this.opts.state.byHash(hash);
    return latest ? { status: 200, contentType: 'text/plain; charset=utf-8', body: latest.note } : text(404, 'no checkpoint cosigned for this log');
  }

  private now(): number {
    return this.opts.now?.() ?? Math.floor(Date.now() / 1000);
  }
}
