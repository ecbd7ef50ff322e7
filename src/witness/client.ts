// The log's side of tlog-witness: submit a checkpoint with its consistency proof and read the
// answer, and fetch the checkpoint a witness cosigned last (for `ledger verify --online`). Every
// answer is untrusted: cosignatures are verified by the caller against the witness's key.
import { formatAddCheckpoint, type AddCheckpoint } from './request.js';
import { originHash } from './state.js';

export type Submission =
  | { kind: 'cosigned'; lines: string[] }
  /** 409: the witness's last cosigned size differs from the old size sent. */
  | { kind: 'conflict'; size: number }
  | { kind: 'refused'; status: number; reason: string };

const MAX_ANSWER = 64 * 1024;

async function bounded(res: Response): Promise<string> {
  const body = await res.text();
  return body.length > MAX_ANSWER ? body.slice(0, MAX_ANSWER) : body;
}

export async function submitCheckpoint(url: string, request: AddCheckpoint, timeoutMs: number): Promise<Submission> {
  const res = await fetch(`${url.replace(/\/+$/, '')}/add-checkpoint`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: formatAddCheckpoint(request),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = await bounded(res);
  if (res.status === 200) return { kind: 'cosigned', lines: body.split('\n').filter((l) => l.startsWith('\u2014 ')) };
  const size = /^(0|[1-9]\d{0,15})\n$/.exec(body);
  if (res.status === 409 && size) return { kind: 'conflict', size: Number(size[1]) };
  return { kind: 'refused', status: res.status, reason: body.trim().slice(0, 300) };
}

/** The witness's latest cosigned checkpoint of `origin` (both signatures), or null when it has none. */
export async function fetchCosigned(url: string, origin: string, timeoutMs: number): Promise<string | null> {
  const res = await fetch(`${url.replace(/\/+$/, '')}/${originHash(origin)}/checkpoint`, { signal: AbortSignal.timeout(timeoutMs) });
  const body = await bounded(res);
  if (res.status === 404) return null;
  if (res.status !== 200) throw new Error(`answered ${res.status}: ${body.trim().slice(0, 200)}`);
  return body;
}
