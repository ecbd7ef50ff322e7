// No durable receipt, no execution: with the ledger on a full disk (a real 1 MiB tmpfs), the real
// gateway refuses calls with a clear error, runs nothing upstream, reports not-ready, and takes calls
// again as soon as space returns.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillDisk, tryMountTmpfs } from '../ledger/helpers.js';
import { agent, serve, textOf, until } from './harness.js';

const POLICY = `version: toolgate.policy/v1
rules:
  - { id: echo-ok, effect: allow, match: { server: fx, tool: [echo, register] } }
`;

describe('a full ledger disk', () => {
  it('refuses calls without running them, and recovers when space returns', async (ctx) => {
    const dir = mkdtempSync(join(tmpdir(), 'toolgate-e2e-full-'));
    mkdirSync(join(dir, 'ledger'));
    if (!tryMountTmpfs(join(dir, 'ledger'), '1m')) return ctx.skip(); // needs root, as CI has
    const served = await serve({ policy: POLICY, dir });
    const client = await agent(served);
    try {
      expect(textOf(await client.callTool({ name: 'fx__echo', arguments: { text: 'before' } }))).toBe('before');
      fillDisk(join(dir, 'ledger', 'filler'));

      // The segment file's last page may still hold a receipt or two: call until the disk says no.
      let refused: Awaited<ReturnType<typeof client.callTool>> | undefined;
      let name = '';
      for (let i = 0; i < 20 && !refused?.isError; i++) {
        name = `sneaky${i}`;
        refused = await client.callTool({ name: 'fx__register', arguments: { name } });
      }
      expect(refused?.isError).toBe(true);
      expect(textOf(refused)).toMatch(
        /call refused: toolgate could not record or check it. Nothing was executed.*\(error err_[0-9a-f]{16}; the gateway log has the details\)/,
      );
      expect(textOf(refused)).not.toMatch(/ENOSPC/);
      expect((await client.listTools()).tools.map((t) => t.name)).not.toContain(`fx__${name}`);
      expect((await fetch(`${served.adminUrl}/readyz`)).status).toBe(503);

      rmSync(join(dir, 'ledger', 'filler'));
      expect(textOf(await client.callTool({ name: 'fx__echo', arguments: { text: 'after' } }))).toBe('after');
      await until(async () => ((await fetch(`${served.adminUrl}/readyz`)).status === 200 ? true : undefined), 'ready again');
    } finally {
      await client.close();
      await served.stop();
      execFileSync('umount', [join(dir, 'ledger')]);
    }
  });
});
