// The reload worker: parses policy files off the main thread and posts the plain results back.
// It stays up between reloads (see off-thread.ts), answering each request by its id.
import { parentPort } from 'node:worker_threads';
import { parsePolicySource, type PolicySource } from './parse.js';

parentPort!.on('message', ({ id, sources }: { id: number; sources: PolicySource[] }) => {
  parentPort!.postMessage({ id, results: sources.map(parsePolicySource) });
});
