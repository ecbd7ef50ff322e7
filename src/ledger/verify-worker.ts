// Worker thread for `ledger verify`: checks blocks of whole lines with `checkBlock` and posts the
// packed results back in order, their records moved rather than copied. The keyring arrives as its validated file content and is re-validated here.
import { parentPort, workerData } from 'node:worker_threads';
import { Keyring, type KeyringFile } from '../receipts/index.js';
import { checkBlock } from './verify-pool.js';

const keyring = new Keyring(workerData as KeyringFile);
parentPort!.on('message', (message: { id: number; block: Uint8Array }) => {
  const results = checkBlock(message.block, keyring);
  parentPort!.postMessage({ id: message.id, results }, [results.records.buffer as ArrayBuffer]);
});
