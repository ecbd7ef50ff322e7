// Worker thread for `ledger verify`: checks batches of lines with `checkLine` and posts the results
// back in order. The keyring arrives as its validated file content and is re-validated here.
import { parentPort, workerData } from 'node:worker_threads';
import { Keyring, type KeyringFile } from '../receipts/index.js';
import { checkLine } from './verify-line.js';

const keyring = new Keyring(workerData as KeyringFile);
parentPort!.on('message', (batch: { id: number; lines: string[] }) => {
  parentPort!.postMessage({ id: batch.id, results: batch.lines.map((line) => checkLine(line, keyring)) });
});
