// A signer that can sign large batches on two cores: half in a worker thread, half in the calling
// thread at the same time. The ledger uses `signMany` for big group commits, where signing dominates;
// single receipts are signed inline (a thread round trip would only add latency).
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
      const half = Math.floor(messages.length / 2);
      const id = nextId++;
      const w = (worker ??= start());
      const remote = new Promise<ArrayBuffer>((resolve, reject) => waiting.set(id, { resolve, reject }));
      const theirs = messages.slice(0, half);
      const data = Buffer.concat(theirs);
      // A copy of its own, so the transfer never detaches a pooled buffer shared with other data.
      const transfer = data.buffer.slice(data.byteOffset, data.byteOffset + data.length);
      w.ref();
      w.postMessage({ id, data: transfer, lengths: theirs.map((m) => m.length) }, [transfer]);
      const local = messages.slice(half).map((m) => signer.sign(m));
      try {
        const signatures = new Uint8Array(await remote);
        return [...theirs.map((_, i) => signatures.subarray(i * 64, i * 64 + 64)), ...local];
      } finally {
        waiting.delete(id);
        if (waiting.size === 0) w.unref();
      }
    },
  };
}
