// A signer that signs batches on a worker thread: `signBatch` hands the batch's payloads to the
// worker, which signs them and builds their envelope lines while the calling thread goes on with other
// work (the ledger seals and writes the next batch). Single receipts are signed inline (a thread round
// trip would only add latency).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { signPayloads, type SignedBatch } from './dsse.js';
import { signerFromSeed, type Signer } from './ed25519.js';

const WORKER_URL = new URL('./sign-worker.js', import.meta.url);

/** `signerFromSeed` plus `signBatch` when a second core and the compiled worker are available. */
export function threadedSigner(seed: Uint8Array): Signer {
  const signer = signerFromSeed(seed);
  if (availableParallelism() < 2 || !existsSync(fileURLToPath(WORKER_URL))) return signer;
  let worker: Worker | undefined;
  let retired = false;
  let nextId = 0;
  const waiting = new Map<number, { resolve: (s: SignedBatch) => void; reject: (e: unknown) => void }>();
  const start = () => {
    const w = new Worker(WORKER_URL, { workerData: seed });
    w.on('message', (m: { id: number; signatures: ArrayBuffer; lines: ArrayBuffer; lineLengths: number[] }) =>
      waiting.get(m.id)?.resolve({ signatures: new Uint8Array(m.signatures), lines: new Uint8Array(m.lines), lineLengths: m.lineLengths }),
    );
    w.on('error', (err) => {
      worker = undefined;
      waiting.forEach((p) => p.reject(err));
    });
    w.unref(); // idle, it never keeps the process alive; it is ref'd while a batch is out
    return w;
  };
  const endIfDone = () => {
    if (retired && waiting.size === 0) void worker?.terminate();
  };
  return {
    keyId: signer.keyId,
    publicKey: signer.publicKey,
    sign: signer.sign,
    retire() {
      retired = true;
      endIfDone();
    },
    async signBatch(batch) {
      if (retired) return signPayloads(batch, signer.keyId, signer.sign);
      const id = nextId++;
      const w = (worker ??= start());
      const remote = new Promise<SignedBatch>((resolve, reject) => waiting.set(id, { resolve, reject }));
      w.ref();
      // Transferred, not copied (a structured copy cost more than the signing saved): the batch's
      // bytes are the signer's from here on.
      const bytes = batch.bytes.buffer as ArrayBuffer;
      w.postMessage({ id, bytes, lengths: batch.lengths }, [bytes]);
      try {
        return await remote;
      } finally {
        waiting.delete(id);
        if (waiting.size === 0) w.unref();
        endIfDone();
      }
    },
  };
}
