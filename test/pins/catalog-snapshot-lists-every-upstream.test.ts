import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { UpstreamConfig } from '../../src/config/index.js';
import { snapshotCatalog } from '../../src/pins/index.js';
import { fixtureUpstream, tempDir, tool } from './helpers.js';

const http = (url: string, headers: Record<string, string> = {}): UpstreamConfig => ({
  url,
  headers,
  timeout: '20s',
  disabled: false,
  session: 'shared',
  protocol: 'auto',
});

describe('the catalog snapshot', () => {
  it('lists stdio and Streamable HTTP upstreams (with their headers), and reports one that fails without failing the rest', async () => {
    const server = spawn(process.execPath, [resolve('test/fixtures/http-server.mjs')], {
      env: { ...process.env, FIXTURE_EXPECT_AUTH: 'Bearer t0k' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const [chunk] = (await once(server.stdout!, 'data')) as [Buffer];
      const url = `http://127.0.0.1:${chunk.toString().trim()}/mcp`;
      const snapshot = await snapshotCatalog({
        local: fixtureUpstream(tempDir(), [[tool('echo', 'Echoes.')]]),
        remote: http(url, { Authorization: 'Bearer t0k' }),
        wrongToken: http(url, { Authorization: 'Bearer nope' }),
        missing: { command: process.execPath, args: ['-e', 'process.exit(3)'], env: {}, timeout: '20s', disabled: false, session: 'shared' },
      });
      expect(snapshot).toMatchObject([
        { upstream: 'local', tools: [{ name: 'echo' }] },
        { upstream: 'remote', tools: [{ name: 'shout', inputSchema: { type: 'object' } }] },
        { upstream: 'wrongToken', error: expect.stringContaining('upstream wrongToken: cannot connect') },
        { upstream: 'missing', error: expect.stringContaining('upstream missing: cannot connect') },
      ]);
    } finally {
      server.kill();
    }
  });
});
