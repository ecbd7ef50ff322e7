// Shared setup for the gateway tests: real upstream processes, a real gateway with a permit-all
// gate (tests choose their decider explicitly) writing to a real ledger, and real SDK clients over
// real transports.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { parseConfig } from '../../src/config/index.js';
import type { Decider } from '../../src/core/index.js';
import { Gate, RECEIPT_META_KEY } from '../../src/gate/index.js';
import { startGateway, type Gateway, type GatewayOptions } from '../../src/gateway/index.js';
import { createLogger } from '../../src/log.js';
import { openPayload, type Envelope } from '../../src/receipts/index.js';
import { openTestLedger } from '../fixtures/ledger.js';

export const root = resolve(import.meta.dirname, '../..');
export const node = process.execPath;
export const fixture = join(root, 'test/fixtures/fixture-server.mjs');
export const httpFixture = join(root, 'test/fixtures/http-server.mjs');
export const everything = join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
export const filesystem = join(root, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');

export const permitAll: Decider = () => ({ outcome: 'permit', rules: ['test-permit-all'], reason: 'test', bundleSha256: '0'.repeat(64) });

export const log = createLogger({ level: process.env.TOOLGATE_LOG_LEVEL ?? 'silent' });

/** Pins and visibility, passed to the gateway as the lead's runtime would. */
export type GatewayExtras = Pick<GatewayOptions, 'pins' | 'visibleTo'>;

/** A gateway from a YAML config text (paths relative to a fresh temp dir), with a permit-all gate and a real ledger. */
export async function gatewayFrom(yaml: string, decider: Decider = permitAll, extras: GatewayExtras = {}): Promise<Gateway> {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-gw-'));
  const file = join(dir, 'toolgate.yaml');
  writeFileSync(file, yaml);
  const { config } = parseConfig(file, yaml);
  return gatewayWithLedger({ config, decider, ...extras });
}

/** startGateway with a Gate over a fresh test ledger; closing the gateway closes the ledger. */
export async function gatewayWithLedger({ decider, ...options }: Omit<GatewayOptions, 'handler' | 'log'> & { decider: Decider }): Promise<Gateway> {
  const { ledger } = await openTestLedger();
  try {
    const gateway = await startGateway({ ...options, handler: new Gate({ decider: () => decider, receipts: ledger, log }), log });
    return { ...gateway, close: () => gateway.close().finally(() => ledger.close()) };
  } catch (err) {
    await ledger.close();
    throw err;
  }
}

/** The receipt body the gate put in a tool result's `_meta` (throws when there is none). */
export function receiptOf(result: unknown): { event: string; call: Record<string, unknown>; policy: Record<string, unknown> } {
  const envelope = (result as { _meta?: Record<string, unknown> })._meta?.[RECEIPT_META_KEY];
  if (!envelope) throw new Error('the result carries no receipt');
  return openPayload(envelope as Envelope).body as never;
}

/** An HTTP gateway in front of `upstreams` (name -> YAML flow mapping), shared by a test file. */
export function sharedGateway(upstreams: Record<string, string>) {
  const yaml = `listen: { http: { port: 0 } }\nupstreams:\n${Object.entries(upstreams)
    .map(([name, u]) => `  ${name}: ${u}\n`)
    .join('')}`;
  let gateway: Gateway | undefined;
  const clients: Client[] = [];
  beforeAll(async () => {
    gateway = await gatewayFrom(yaml);
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await gateway?.close();
  });
  return {
    get gateway(): Gateway {
      return gateway!;
    },
    async connect(options?: Parameters<typeof httpClient>[1]): Promise<Client> {
      const client = await httpClient(gateway!.http!.url, options);
      clients.push(client);
      return client;
    },
  };
}

export async function httpClient(url: string, options: { capabilities?: Record<string, unknown>; token?: string } = {}): Promise<Client> {
  const client = new Client({ name: 'test-client', version: '1.0.0' }, { capabilities: options.capabilities ?? {} });
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

export function text(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((c) => c.text ?? '').join('');
}

export function stdioUpstream(script: string, extra = ''): string {
  return `{ command: ${JSON.stringify(node)}, args: [${JSON.stringify(script)}]${extra} }`;
}

/** Poll until `check` is true (no fixed sleeps: the machine may be slow). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request over node:http, since fetch does not let a caller set Host; an empty `host` sends no Host header at all. */
export function rawRequest(url: URL, method: string, headers: Record<string, string>, body?: string): Promise<RawAnswer> {
  const { host, ...rest } = headers;
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: host ? { host, ...rest } : rest, setHost: host !== '' });
    req.on('response', (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Answers the client's sampling requests with `sampled <what it was asked>`, once `expected` of
 * them have arrived (so that the calls that asked are all in flight together); returns what it was asked.
 */
export function answerSampling(client: Client, expected: number): string[] {
  const asked: string[] = [];
  const waiting: (() => void)[] = [];
  client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
    const said = String((request.params.messages[0]?.content as { text?: string } | undefined)?.text);
    asked.push(said);
    if (asked.length < expected) await new Promise<void>((resolve) => waiting.push(resolve));
    else for (const wake of waiting.splice(0)) wake();
    return { model: 'm', role: 'assistant', content: { type: 'text', text: `sampled ${said}` } };
  });
  return asked;
}
