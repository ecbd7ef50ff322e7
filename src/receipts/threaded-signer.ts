// A signer that can sign batches on a worker thread: `signMany` hands the whole batch to the worker,
// so the calling thread goes on with other work (the ledger seals and writes the next batch) while it
// is signed. Single receipts are signed inline (a thread round trip would only add latency).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { signerFromSeed, type Signer } from './ed25519.js';

const WORKER_URL = new URL('./sign-worker.js', import.meta.url);

/** `signerFromSeed` plus `signMany` when a second core and the compiled worker are available. */
export function threadedSigner(seed: Uint8Array): Signer {
  const signer = signerFromSeed(seed);
  if (availableParallelism() < 2 || !existsSync(fileURLToPath(WORKER_URL))) return signer;
  let worker: Worker | undefined;
  let nextId = 0;
  const waiting = new Map<number, { resolve: (s: ArrayBuffer) => void; reject: (e: unknown) => void }>();
  const start = () => {
    const w = new Worker(WORKER_URL, { workerData: seed });
    w.on('message', (m: { id: number; signatures: ArrayBuffer }) => waiting.get(m.id)?.resolve(m.signatures));
    w.on('error', (err) => {
      worker = undefined;
      waiting.forEach((p) => p.reject(err));
    });
    w.unref(); // idle, it never keeps the process alive; it is ref'd while a batch is out
    return w;
  };
  return {
    keyId: signer.keyId,
    publicKey: signer.publicKey,
    sign: signer.sign,
    async signMany(messages) {
      const id = nextId++;
      const w = (worker ??= start());
      const remote = new Promise<ArrayBuffer>((resolve, reject) => waiting.set(id, { resolve, reject }));
      const data = Buffer.concat(messages);
      // A copy of its own, so the transfer never detaches a pooled buffer shared with other data.
      const transfer = data.buffer.slice(data.byteOffset, data.byteOffset + data.length);
      w.ref();
      w.postMessage({ id, data: transfer, lengths: messages.map((m) => m.length) }, [transfer]);
      try {
        const signatures = new Uint8Array(await remote);
        return messages.map((_, i) => signatures.subarray(i * 64, i * 64 + 64));
      } finally {
        waiting.delete(id);
        if (waiting.size === 0) w.unref();
      }
    },
  };
}
