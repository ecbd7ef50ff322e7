// End-to-end harness: the real `toolgate serve` as a child process (built CLI), configured in a temp
// folder with a real fixture upstream, a policy file, reviewers and principals; real SDK clients
// over HTTP, the real admin REST API, the real ledger and keys on disk.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

export const root = resolve(import.meta.dirname, '../..');
export const fixture = join(root, 'test/fixtures/fixture-server.mjs');
const cli = join(root, 'bin/toolgate.js');

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Tokens of the standard cast; the config holds only their sha256. */
export const TOKENS = { agent: 'agent-token-0001', alice: 'alice-token-0001', bob: 'bob-token-0001', carol: 'carol-token-0001' };

export interface ServeOptions {
  policy: string;
  /** Extra top-level YAML appended to the config. */
  extra?: string;
  /** Extra upstream entries (YAML lines indented by two spaces) beside the fixture upstream `fx`. */
  upstreams?: string;
  /** Extra principal and reviewer entries (YAML list items indented by two spaces) beside the standard cast. */
  principals?: string;
  reviewers?: string;
  /** Reload the policy when its file changes (policy.watch); off by default. */
  watch?: boolean;
  /** Extra `listen.http` options (flow-mapping entries, e.g. `input_wait: 2s`). */
  listen?: string;
  /** Extra `policy:` options (flow-mapping entries, e.g. `require_signatures: { keyring: k.yaml, quorum: 1 }`). */
  policyOptions?: string;
  dir?: string;
  env?: NodeJS.ProcessEnv;
}

export interface Served {
  dir: string;
  mcpUrl: string;
  adminUrl: string;
  child: ChildProcess;
  stderr(): string;
  /** Resolves with the exit code once the process ends. */
  exited: Promise<number | null>;
  /** Send a signal and resolve with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function configText(
  policyFile: string,
  extra = '',
  more: Pick<ServeOptions, 'upstreams' | 'principals' | 'reviewers' | 'watch' | 'policyOptions' | 'listen'> = {},
): string {
  return `name: e2e-gate
listen: { http: { host: 127.0.0.1, port: 0, path: /mcp${more.listen ? `, ${more.listen}` : ''} } }
admin: { host: 127.0.0.1, port: 0 }
upstreams:
  fx: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(fixture)}] }
${more.upstreams ?? ''}policies: [${policyFile}]
principals:
  - { id: "agent:ci", token_sha256: ${sha256(TOKENS.agent)}, groups: [engineering] }
${more.principals ?? ''}reviewers:
  - { id: alice, token_sha256: ${sha256(TOKENS.alice)}, groups: [dba], rights: [break-glass] }
  - { id: bob, token_sha256: ${sha256(TOKENS.bob)}, groups: [dba] }
  - { id: carol, token_sha256: ${sha256(TOKENS.carol)}, groups: [finance] }
${more.reviewers ?? ''}store: { kind: lowdb, path: state/state.json }
ledger: { dir: ledger, checkpoint_every: 50 }
keys: { dir: keys }
policy: { watch: ${more.watch === true}${more.policyOptions ? `, ${more.policyOptions}` : ''} }
${extra}`;
}

/** Starts `toolgate serve` and resolves once it logs its listening URLs. */
export async function serve(options: ServeOptions): Promise<Served> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'toolgate-e2e-'));
  writeFileSync(join(dir, 'policy.yaml'), options.policy);
  writeFileSync(join(dir, 'toolgate.yaml'), configText('policy.yaml', options.extra, options));
  const child = spawn(process.execPath, [cli, 'serve', '-c', join(dir, 'toolgate.yaml'), '--drain-timeout', '5s'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TOOLGATE_LOG_LEVEL: 'info', ...options.env },
  });
  let stderr = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const ready = new Promise<{ mcp: string; admin: string }>((resolvePromise, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      for (const line of stderr.split('\n')) {
        if (!line.includes('toolgate is serving')) continue;
        const entry = JSON.parse(line) as { mcp: string; admin: string };
        resolvePromise(entry);
      }
    });
    void exited.then((code) => reject(new Error(`toolgate serve exited with ${code}:\n${stderr}`)));
    setTimeout(() => reject(new Error(`toolgate serve did not start in time:\n${stderr}`)), 30_000).unref();
  });
  const urls = await ready;
  return {
    dir,
    mcpUrl: urls.mcp,
    adminUrl: urls.admin,
    child,
    exited,
    stderr: () => stderr,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function agent(served: Served, token = TOKENS.agent): Promise<Client> {
  const client = new Client({ name: 'e2e-agent', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(served.mcpUrl), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  return client;
}

/** A call to the admin REST API as a reviewer. */
// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the API answered.
export async function admin(served: Served, path: string, token: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(served.adminUrl + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** The oldest pending approval, once there is one, as a reviewer sees it. */
// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the API answered.
export async function pendingApproval(served: Served, token = TOKENS.alice): Promise<any> {
  return until(async () => (await admin(served, '/api/approvals?status=pending', token)).json.approvals[0], 'a pending approval');
}

/** Runs the built CLI synchronously. */
export function toolgate(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', input, env: { ...process.env, TOOLGATE_LOG_LEVEL: 'silent' } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

export async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function textOf(result: unknown): string {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  return content.map((c) => c.text ?? '').join('\n');
}

/** The body of the receipt a tool result carries in `_meta["dev.toolgate/receipt"]`. */
// biome-ignore lint/suspicious/noExplicitAny: tests read receipt fields by name.
export function receiptBody(result: unknown): any {
  const envelope = (result as { _meta?: Record<string, { payload: string }> })._meta?.['dev.toolgate/receipt'];
  return envelope && JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
}

/** One gateway and one connected agent for a whole test file. */
export function servedForFile(options: ServeOptions): { served: () => Served; client: () => Client } {
  let served: Served | undefined;
  let client: Client | undefined;
  beforeAll(async () => {
    served = await serve(options);
    client = await agent(served);
  });
  afterAll(async () => {
    await client?.close();
    await served?.stop();
  });
  return { served: () => served!, client: () => client! };
}

/** What a client of the 2026-07-28 revision puts in every request's `_meta`; `capabilities` are its per-request capabilities. */
export function envelope(capabilities: Record<string, unknown> = {}, clientName = 'era-2026-client'): Record<string, unknown> {
  return {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientCapabilities': capabilities,
    'io.modelcontextprotocol/clientInfo': { name: clientName, version: '1.0.0' },
  };
}

type StatelessOptions = { token?: string; meta?: Record<string, unknown>; headers?: Record<string, string>; signal?: AbortSignal };

/**
 * One stateless request of the 2026-07-28 revision: the envelope in `_meta` (`params._meta` adds to
 * it), and the headers the revision requires (Mcp-Name from the body's name, uri or taskId) unless
 * `headers` overrides them. The response as it comes (a stream is read by the caller).
 */
export function statelessFetch(
  url: string,
  method: string,
  params: Record<string, unknown>,
  { token = TOKENS.agent, meta = envelope(), headers = {}, signal }: StatelessOptions = {},
): Promise<Response> {
  const name = (params.name ?? params.uri ?? params.taskId) as string | undefined;
  return fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': method,
      ...(name === undefined ? {} : { 'mcp-name': name }),
      ...headers,
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: { ...params, _meta: { ...meta, ...(params._meta as object) } } }),
    signal,
  });
}

/** statelessFetch with its JSON answer read. */
export async function statelessPost(
  url: string,
  method: string,
  params: Record<string, unknown>,
  options: StatelessOptions = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON-RPC answers by name.
): Promise<{ status: number; session: string | null; json: any }> {
  const res = await statelessFetch(url, method, params, options);
  return { status: res.status, session: res.headers.get('mcp-session-id'), json: await res.json() };
}
