// An upstream that prints a secret on stderr and exits: the line reaches the operator's log and
// nothing else. Clients and receipts get a fixed description with an error id, and the log line
// that holds the stderr carries the same id, so an operator can find it from what a user reports.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agent, receiptBody, root, serve, textOf, until, type Served } from './harness.js';

const SECRET = 'hunter2-leaked-by-the-upstream';
const leaky = join(root, 'test/fixtures/leaky-server.mjs');

const POLICY = `version: toolgate.policy/v1
defaults: { effect: deny, on_error: deny }
rules:
  - id: leak-ok
    effect: allow
    match: { server: leaky, tool: leak }
`;

/** Every receipt body in the ledger, decoded from its envelope. */
function ledgerBodies(dir: string): string[] {
  const ledger = join(dir, 'ledger');
  return readdirSync(ledger)
    .filter((f) => f.startsWith('receipts-'))
    .flatMap((f) => readFileSync(join(ledger, f), 'utf8').split('\n').filter(Boolean))
    .map((line) => Buffer.from((JSON.parse(line) as { payload: string }).payload, 'base64').toString('utf8'));
}

describe('upstream stderr', () => {
  let served: Served | undefined;
  afterAll(async () => {
    await served?.stop();
  });

  it('goes to the log only: the tool error and the receipt carry an error id that the log line also carries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toolgate-e2e-leak-'));
    const marker = join(dir, 'leaky.down');
    served = await serve({
      policy: POLICY,
      dir,
      upstreams: `  leaky: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(leaky)}, --marker, ${JSON.stringify(marker)}] }\n`,
    });
    const client = await agent(served);
    const crashed = await client.callTool({ name: 'leaky__leak', arguments: {} });
    expect(crashed.isError).toBe(true);
    expect(textOf(crashed)).not.toContain(SECRET);

    // The upstream is down now and every restart prints the secret again: the next call is refused.
    const refused = await until(async () => {
      const result = await client.callTool({ name: 'leaky__leak', arguments: {} });
      return textOf(result).includes('unavailable') ? result : undefined;
    }, 'the leaky upstream to be reported unavailable');
    await client.close();
    const text = textOf(refused);
    expect(text).not.toContain(SECRET);
    const errorId = /\berr_[0-9a-f]{16}\b/.exec(text)?.[0];
    expect(errorId, text).toBeDefined();
    const receipt = receiptBody(refused);
    expect(receipt.policy.reason).toContain(errorId);
    expect(JSON.stringify(receipt)).not.toContain(SECRET);
    expect(ledgerBodies(dir).filter((body) => body.includes(SECRET))).toEqual([]);

    const logged = served
      .stderr()
      .split('\n')
      .filter((line) => line.includes(errorId!));
    expect(
      logged.some((line) => line.includes(SECRET)),
      served.stderr(),
    ).toBe(true);
  });
});
