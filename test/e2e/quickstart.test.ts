// The README's quickstart, as a newcomer runs it: `toolgate serve` on examples/quickstart (ports
// moved to 0 so the test never collides with a running quickstart), the demo tools answer with
// receipts, write_note is held until the demo reviewer approves it with the CLI, and the console
// page is served.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { root, textOf, toolgate, until } from './harness.js';

const DEMO_TOKEN = 'quickstart-reviewer-token';

describe('the quickstart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-quickstart-'));
  let urls: { mcp: string; admin: string };
  let child: ReturnType<typeof spawn>;
  let client: Client;

  beforeAll(async () => {
    cpSync(join(root, 'examples/quickstart'), dir, { recursive: true, filter: (src) => !src.includes('.toolgate') });
    // The demo server resolves its imports from its own folder, so it runs from the repository.
    const config = readFileSync(join(dir, 'toolgate.yaml'), 'utf8')
      .replace('port: 8080', 'port: 0')
      .replace('port: 8081', 'port: 0')
      .replace('args: [demo-server.js]', `args: [${JSON.stringify(join(root, 'examples/quickstart/demo-server.js'))}]`);
    writeFileSync(join(dir, 'toolgate.yaml'), config);
    child = spawn(process.execPath, [join(root, 'bin/toolgate.js'), 'serve', '-c', join(dir, 'toolgate.yaml')], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    urls = await until(
      () => {
        const line = stderr.split('\n').find((l) => l.includes('toolgate is serving'));
        return line ? (JSON.parse(line) as { mcp: string; admin: string }) : undefined;
      },
      'the quickstart to start',
      30_000,
    );
    client = new Client({ name: 'newcomer', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(urls.mcp)));
  });
  afterAll(async () => {
    await client?.close();
    child?.kill('SIGTERM');
  });

  it('answers the read-only demo tools, each with a receipt', async () => {
    const result = await client.callTool({ name: 'demo__add', arguments: { a: 2, b: 3 } });
    expect(result.structuredContent, textOf(result)).toEqual({ sum: 5 });
    expect(result._meta?.['dev.toolgate/receipt']).toBeDefined();
  });

  it('holds write_note until the demo reviewer approves it with the CLI', async () => {
    const held = client.callTool({ name: 'demo__write_note', arguments: { name: 'hello', body: 'world' } }, undefined, { timeout: 60_000 });
    const env = { url: urls.admin, token: DEMO_TOKEN };
    const pending = await until(() => {
      const listed = toolgate(['approvals', 'list', '--url', env.url, '--token', env.token]);
      return /apr_[A-Za-z0-9]+/.exec(listed.stdout)?.[0];
    }, 'the held write_note');
    const approved = toolgate(['approvals', 'approve', pending, '--url', env.url, '--token', env.token, '--note', 'fine']);
    expect(approved.status, approved.stderr).toBe(0);
    expect(textOf(await held)).toBe('saved note hello');
  });

  it('serves the reviewer console at /', async () => {
    const page = await fetch(`${urls.admin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});
