// A call that answered input-required waits for a retry the client may never send (up to
// listen.http.input_wait), with no request of the client open. A shutdown must not wait for it: the
// drain cancels such calls at once (their upstream calls too), so `toolgate serve` exits cleanly and
// fast. The real CLI, a 2025-11-25 upstream over stdio asking for input, a 2026-07-28 client.
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { envelope, root, type Served, serve, statelessPost } from './harness.js';

const asksServer = join(root, 'test/fixtures/asks-server.mjs');
let served: Served | undefined;

afterAll(async () => {
  await served?.stop('SIGKILL');
});

it('a shutdown cancels calls waiting for a retry instead of draining until its deadline', async () => {
  served = await serve({
    policy: 'version: toolgate.policy/v1\ndefaults: { effect: allow, on_error: deny }\nrules: []\n',
    listen: 'input_wait: 10m',
    upstreams: `  asks: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(asksServer)}] }\n`,
  });
  const asked = await statelessPost(
    served.mcpUrl,
    'tools/call',
    { name: 'asks__ask_name', arguments: {} },
    { meta: envelope({ elicitation: {} }, 'drain-client') },
  );
  expect(asked.json.result).toMatchObject({ resultType: 'input_required' });

  const started = Date.now();
  // The harness drains for at most 5 s; a clean drain exits 0, one that hit the deadline exits 3.
  expect(await served.stop()).toBe(0);
  expect(Date.now() - started).toBeLessThan(4_000);
});
