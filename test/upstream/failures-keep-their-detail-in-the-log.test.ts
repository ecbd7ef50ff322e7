// When an upstream cannot start, the operator's log says why in the words that help: the npm 404
// line of an `npx` typo, the URL and ECONNREFUSED of an HTTP upstream nobody listens on. What a
// client is told (lastError) stays a fixed description with an error id.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/index.js';
import { Upstream, type UpstreamEvents } from '../../src/upstream/index.js';
import { recordingLog } from '../ledger/helpers.js';

const events: UpstreamEvents = {
  notification: () => undefined,
  request: async () => ({}),
  toolsChanged: () => undefined,
  connected: () => undefined,
};

const started: Upstream[] = [];
afterEach(async () => {
  for (const u of started.splice(0)) await u.stop();
});

async function startFailing(config: unknown) {
  const { log, records } = recordingLog();
  const upstream = new Upstream('up', ConfigSchema.parse({ upstreams: { up: config } }).upstreams.up!, events, log);
  started.push(upstream);
  await upstream.start();
  expect(upstream.state).not.toBe('ready');
  const logged = records.find((r) => r.msg === 'upstream failed to start');
  expect(logged, JSON.stringify(records)).toBeDefined();
  return { upstream, logged: JSON.stringify(logged) };
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('an upstream that cannot start', () => {
  it('over HTTP: the log names the URL and the connection error; the client is told neither', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/mcp`;
    const { upstream, logged } = await startFailing({ url });
    expect(logged).toContain(url);
    expect(logged).toContain('ECONNREFUSED');
    expect(upstream.lastError).not.toContain('127.0.0.1');
    expect(upstream.lastError).not.toContain('ECONNREFUSED');
    expect(upstream.lastError).toMatch(/error err_[0-9a-f]{16}/);
  });

  it('over stdio: the log keeps the npm 404 line of a mistyped npx package; the client is not told it', async () => {
    const npm404 = 'npm error 404 Not Found - GET https://registry.npmjs.org/@modelcontextprotocol%2fserver-filesytem - Not found';
    const script = `console.error('npm error code E404'); console.error(${JSON.stringify(npm404)}); process.exit(1)`;
    const { upstream, logged } = await startFailing({ command: process.execPath, args: ['-e', script] });
    expect(logged).toContain(npm404);
    expect(upstream.lastError).not.toContain('404');
  });
});
