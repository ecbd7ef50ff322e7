// The reload worker: parses policy files off the main thread and posts the plain results back.
import { parentPort, workerData } from 'node:worker_threads';
import { parsePolicySource, type PolicySource } from './parse.js';

parentPort!.postMessage((workerData as PolicySource[]).map(parsePolicySource));
