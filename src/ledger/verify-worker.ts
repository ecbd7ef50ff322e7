// Worker thread for `ledger verify`: checks blocks of whole lines with `checkBlock` and posts the
// packed results back in order, their records and the block's buffer moved rather than copied
// (verify-pool.ts reuses both). The keyring arrives as its validated file content and is re-validated here.
import { parentPort, workerData } from 'node:worker_threads';
import { Keyring, type KeyringFile } from '../receipts/index.js';
import { checkBlock, type BlockMessage, type ResultsMessage } from './verify-pool.js';

const keyring = new Keyring(workerData as KeyringFile);
parentPort!.on('message', ({ id, block, spare }: BlockMessage) => {
  const results = checkBlock(block, keyring, spare);
  const message: ResultsMessage = { id, results, block: block.buffer as ArrayBuffer };
  parentPort!.postMessage(message, [results.records.buffer as ArrayBuffer, message.block]);
});
