// The witness's HTTP listener (C2SP tlog-witness): POST /add-checkpoint and GET /<origin hash>/checkpoint,
// with one prefix for submission and monitoring. Plain text in and out, bodies bounded; anything
// unexpected is a logged fault answered with a bare 500.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { errorReply, readBody } from '../http/index.js';
import { logFault } from '../log.js';
import type { Witness, WitnessReply } from './witness.js';

/** A checkpoint is under 1 KiB and 63 proof lines under 3 KiB; cosignatures of other witnesses add a little. */
const MAX_BODY = 64 * 1024;

async function answer(witness: Witness, req: IncomingMessage): Promise<WitnessReply> {
  const path = new URL(req.url ?? '/', 'http://witness').pathname;
  if (path === '/add-checkpoint') {
    if (req.method !== 'POST') return { status: 405, contentType: 'text/plain', body: 'POST only\n' };
    return witness.addCheckpoint((await readBody(req, MAX_BODY)).toString('utf8'));
  }
  const monitored = /^\/([0-9a-f]{64})\/checkpoint$/.exec(path);
  if (monitored && req.method === 'GET') return witness.latestCheckpoint(monitored[1]!);
  return { status: 404, contentType: 'text/plain', body: 'not found\n' };
}

export function witnessServer(witness: Witness, log: Logger): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    answer(witness, req).then(
      (reply) => res.writeHead(reply.status, { 'content-type': reply.contentType }).end(reply.body),
      (err: unknown) => {
        const reply = errorReply(err);
        if (reply.internal) logFault(log, { err }, 'witness: cannot answer a request');
        res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers }).end(`${reply.message}\n`);
      },
    );
  });
}
