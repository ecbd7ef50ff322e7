// The add-checkpoint request body of C2SP tlog-witness: "old <size>", up to 63 base64 consistency
// proof lines, an empty line, then the checkpoint (a signed note). Both ends use these two functions.
import { WitnessError } from './errors.js';

export interface AddCheckpoint {
  oldSize: number;
  proof: Buffer[];
  /** The signed note as sent. */
  note: string;
}

/** The most proof lines a client may send (tlog-witness). */
const MAX_PROOF_LINES = 63;

export function formatAddCheckpoint(request: AddCheckpoint): string {
  return `old ${request.oldSize}\n${request.proof.map((h) => `${h.toString('base64')}\n`).join('')}\n${request.note}`;
}

/** Untrusted input: a request body. Malformed bodies are refused (400) before any check. */
export function parseAddCheckpoint(body: string): AddCheckpoint {
  const bad = (why: string): never => {
    throw new WitnessError('witness_request_invalid', `add-checkpoint: ${why}`);
  };
  const blank = body.indexOf('\n\n');
  if (blank < 0) bad('no empty line before the checkpoint');
  const head = body.slice(0, blank).split('\n');
  const old = /^old (0|[1-9]\d{0,15})$/.exec(head[0] ?? '');
  if (!old) bad('the first line is not "old <size>"');
  const lines = head.slice(1);
  if (lines.length > MAX_PROOF_LINES) bad(`more than ${MAX_PROOF_LINES} proof lines`);
  const proof = lines.map((line) => {
    const hash = Buffer.from(line, 'base64');
    if (hash.length !== 32 || hash.toString('base64') !== line) bad('a proof line is not base64 of 32 bytes');
    return hash;
  });
  return { oldSize: Number(old![1]), proof, note: body.slice(blank + 2) };
}
