// Worker thread of a threaded signer: holds one ed25519 seed, signs the batches of receipt payloads it
// is sent and builds their envelope lines, so the ledger's thread only writes them. A batch arrives as
// one buffer of concatenated payloads plus their lengths; signatures and lines go back as buffers of
// their own, transferred rather than copied.
import { parentPort, workerData } from 'node:worker_threads';
import { signPayloads } from './dsse.js';
import { signerFromSeed } from './ed25519.js';

const signer = signerFromSeed(new Uint8Array(workerData as Uint8Array));
// Plain ArrayBuffers both ways: posting typed arrays and Buffers took several times longer.
parentPort!.on('message', (job: { id: number; bytes: ArrayBuffer; lengths: number[] }) => {
  const { signatures, lines, lineLengths } = signPayloads({ bytes: new Uint8Array(job.bytes), lengths: job.lengths }, signer.keyId, signer.sign);
  const transfer = [signatures.buffer, lines.buffer] as ArrayBuffer[];
  parentPort!.postMessage({ id: job.id, signatures: transfer[0], lines: transfer[1], lineLengths }, transfer);
});
