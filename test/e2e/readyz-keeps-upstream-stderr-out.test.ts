// GET /readyz in front of an upstream that prints a secret on stderr and exits at every start:
// anyone may learn whether the gateway is ready, nothing more; a reviewer sees which upstream is
// down, in fixed words with an error id, and only the operator's log holds what the upstream said.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, servedForFile, TOKENS, until } from './harness.js';

const SECRET = 'hunter2-leaked-by-the-upstream';
const leaky = join(root, 'test/fixtures/leaky-server.mjs');
// With its marker file present the fixture prints `DB_PASSWORD=<SECRET>` on stderr and exits at once.
const marker = join(mkdtempSync(join(tmpdir(), 'toolgate-readyz-')), 'leaky.down');
writeFileSync(marker, 'down\n');

const { served } = servedForFile({
  policy: 'version: toolgate.policy/v1\nrules: []\n',
  upstreams: `  leaky: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(leaky)}, --marker, ${JSON.stringify(marker)}] }\n`,
  env: { TOOLGATE_LOG_LEVEL: 'debug' },
});

async function readyz(token?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${served().adminUrl}/readyz`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, text: await res.text() };
}

describe('/readyz with an upstream that leaked a secret on stderr', () => {
  it('tells a caller without a token only that the gateway is not ready', async () => {
    await until(() => served().stderr().includes(SECRET) || undefined, 'the upstream to have printed its secret');
    const answer = await readyz();
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.text)).toEqual({ ready: false });
  });

  it('tells a reviewer which upstream is down, in fixed words with an error id the log explains', async () => {
    const answer = await readyz(TOKENS.bob);
    expect(answer.status).toBe(503);
    expect(answer.text).not.toContain(SECRET);
    expect(answer.text).not.toContain('DB_PASSWORD');
    const body = JSON.parse(answer.text);
    expect(body.ready).toBe(false);
    const upstreams = body.checks.upstreams.upstreams as Array<{ name: string; state: string; description?: string }>;
    expect(upstreams.find((u) => u.name === 'fx')).toEqual({ name: 'fx', state: 'ready' });
    const down = upstreams.find((u) => u.name === 'leaky')!;
    expect(down.state).not.toBe('ready');
    const errorId = /\berr_[0-9a-f]+\b/.exec(down.description ?? '')?.[0];
    expect(errorId, down.description).toBeDefined();
    const logged = served()
      .stderr()
      .split('\n')
      .find((line) => line.includes(errorId!));
    expect(logged, 'the log line under the error id').toContain(SECRET);
  });

  it('refuses a token it does not know, rather than answering as if none was sent', async () => {
    expect((await readyz('not-a-token')).status).toBe(401);
  });
});
