// Worker thread of a threaded signer: holds one ed25519 seed and signs the batches it is sent. A batch
// arrives as one buffer of concatenated messages plus their lengths, and signatures go back as one
// buffer of 64-byte signatures (both transferred, not copied: cloning arrays of buffers was costly).
import { parentPort, workerData } from 'node:worker_threads';
import { signerFromSeed } from './ed25519.js';

const signer = signerFromSeed(new Uint8Array(workerData as Uint8Array));
parentPort!.on('message', (job: { id: number; data: ArrayBuffer; lengths: number[] }) => {
  const data = new Uint8Array(job.data);
  const out = new Uint8Array(64 * job.lengths.length);
  let offset = 0;
  for (const [i, length] of job.lengths.entries()) {
    out.set(signer.sign(data.subarray(offset, offset + length)), i * 64);
    offset += length;
  }
  parentPort!.postMessage({ id: job.id, signatures: out.buffer }, [out.buffer]);
});
