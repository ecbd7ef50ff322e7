// The routes a client can take to the probe server (test/fixtures/probe-server.mjs): directly, or
// through toolgate with a permit-all gate, for both client transports (HTTP to an in-process
// gateway, stdio to the built gateway as a child process) and both upstream transports. A feature
// is transparent when every route through the gateway observes what the direct route observes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { RECEIPT_META_KEY } from '../../src/gate/index.js';
import type { Gateway } from '../../src/gateway/index.js';
import { gatewayFrom, node, root } from './helpers.js';

export const probe = join(root, 'test/fixtures/probe-server.mjs');
const permitAllGateway = join(root, 'test/fixtures/permit-all-gateway.mjs');

export interface ClientOptions {
  capabilities?: Record<string, unknown>;
}

export interface Route {
  name: string;
  connect(options?: ClientOptions): Promise<Client>;
}

type UpstreamKind = 'stdio' | 'http';

/**
 * Registers beforeAll/afterAll that start the probe over stdio and HTTP and a gateway in front of
 * each, and returns the direct routes and the routes through toolgate. The probe's prefix is empty,
 * so names compare as they are. `session` is the upstream's session setting (default: the config's).
 */
export function sideBySide(probeArgs: string[] = [], session?: 'shared' | 'per-client') {
  const opened: { close(): Promise<void> }[] = [];
  const children: ChildProcess[] = [];
  const gateways: Partial<Record<UpstreamKind, Gateway>> = {};
  const upstreamYaml: Partial<Record<UpstreamKind, string>> = {};
  let probeUrl = '';

  beforeAll(async () => {
    const http = spawn(node, [probe, '--http', ...probeArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(http);
    const port = await new Promise<string>((resolve) => http.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
    probeUrl = `http://127.0.0.1:${port}/mcp`;
    const setting = session ? `, session: ${session}` : '';
    upstreamYaml.stdio = `{ command: ${JSON.stringify(node)}, args: ${JSON.stringify([probe, ...probeArgs])}, prefix: ""${setting} }`;
    upstreamYaml.http = `{ url: ${JSON.stringify(probeUrl)}, prefix: ""${setting} }`;
    for (const kind of ['stdio', 'http'] as const)
      gateways[kind] = await gatewayFrom(`listen: { http: { port: 0 } }\nupstreams:\n  probe: ${upstreamYaml[kind]}\n`);
  }, 60_000);
  afterAll(async () => {
    for (const client of opened) await client.close().catch(() => undefined);
    for (const gateway of Object.values(gateways)) await gateway?.close();
    for (const child of children) child.kill();
  });

  const connect = async (transport: Transport, options: ClientOptions = {}) => {
    const client = new Client({ name: 'side-by-side', version: '1.0.0' }, { capabilities: options.capabilities ?? {} });
    await client.connect(transport);
    opened.push(client);
    return client;
  };
  const stdioGatewayTransport = (kind: UpstreamKind) => {
    const dir = mkdtempSync(join(tmpdir(), 'toolgate-side-by-side-'));
    const config = join(dir, 'toolgate.yaml');
    writeFileSync(config, `listen: { stdio: true }\nupstreams:\n  probe: ${upstreamYaml[kind]}\n`);
    return new StdioClientTransport({ command: node, args: [permitAllGateway, config], stderr: 'ignore' });
  };

  const direct: Route[] = [
    { name: 'direct over stdio', connect: (o) => connect(new StdioClientTransport({ command: node, args: [probe, ...probeArgs], stderr: 'ignore' }), o) },
    { name: 'direct over HTTP', connect: (o) => connect(new StreamableHTTPClientTransport(new URL(probeUrl)), o) },
  ];
  const through: Route[] = (['stdio', 'http'] as const).flatMap((kind) => [
    {
      name: `HTTP client, ${kind} upstream`,
      connect: (o?: ClientOptions) => connect(new StreamableHTTPClientTransport(new URL(gateways[kind]!.http!.url)), o),
    },
    { name: `stdio client, ${kind} upstream`, connect: (o?: ClientOptions) => connect(stdioGatewayTransport(kind), o) },
  ]);
  return { direct, through };
}

/** What a client observes, without the receipts toolgate adds (in `_meta`, or in an error's data). */
export function withoutReceipts<T>(value: T): T {
  const emptied = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0;
  return JSON.parse(JSON.stringify(value), (key, v) => (key === RECEIPT_META_KEY || ((key === '_meta' || key === 'data') && emptied(v)) ? undefined : v)) as T;
}

/** The code, message and data of a rejected request, as the client saw them. */
export async function rejection(pending: Promise<unknown>): Promise<{ code: unknown; message: string; data: unknown }> {
  try {
    await pending;
  } catch (err) {
    const { code, message, data } = err as { code?: unknown; message: string; data?: unknown };
    return withoutReceipts({ code, message, data });
  }
  throw new Error('the request did not fail');
}
