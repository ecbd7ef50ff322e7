// Clients that send exactly the bytes a test gives them, over a real HTTP session and over a real
// stdio gateway process: the SDK's clients only send what its schemas allow, and the requests these
// tests are about (malformed, duplicated, hostile) are the ones an SDK client never sends.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { node, root } from './helpers.js';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

/** One MCP session over Streamable HTTP; `post` sends an object as JSON, or a string as it is. */
export async function rawHttpSession(url: string): Promise<{ post(message: unknown): Promise<Reply> }> {
  let sessionId: string | undefined;
  const post = (message: unknown): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
      if (sessionId) Object.assign(headers, { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' });
      const req = request(url, { method: 'POST', headers });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end(typeof message === 'string' ? message : JSON.stringify(message));
    });
  const init = await post(INITIALIZE);
  sessionId = init.headers['mcp-session-id'] as string;
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return { post };
}

export interface RawStdio {
  /** Write one line (an object as JSON, a string as it is). */
  send(message: unknown): void;
  /** Every message received so far, in order. */
  readonly received: Record<string, unknown>[];
  /** The first message received with this id (waits for it). */
  answerTo(id: unknown, timeoutMs?: number): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** The permit-all test gateway (built code) over stdio in front of `upstreamsYaml`, initialized. */
export async function rawStdioGateway(upstreamsYaml: string): Promise<RawStdio> {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-raw-stdio-'));
  const config = join(dir, 'toolgate.yaml');
  writeFileSync(config, `listen: { stdio: true }\nupstreams:\n${upstreamsYaml}`);
  const child: ChildProcess = spawn(node, [join(root, 'test/fixtures/permit-all-gateway.mjs'), config], { stdio: ['pipe', 'pipe', 'ignore'] });
  const received: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    received.push(JSON.parse(line));
    for (const wake of waiters) wake();
  });
  const send = (message: unknown) => child.stdin!.write(`${typeof message === 'string' ? message : JSON.stringify(message)}\n`);
  const answerTo = (id: unknown, timeoutMs = 10_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const found = received.find((m) => 'id' in m && m.id === id && !('method' in m));
        if (!found) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no answer to id ${JSON.stringify(id)} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  send(INITIALIZE);
  await answerTo(0, 20_000);
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return {
    send,
    received,
    answerTo,
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin!.end();
      await exited;
    },
  };
}
