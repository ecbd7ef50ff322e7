// The whole loop in a real browser: an agent's call through the real gateway is held, appears in the
// reviewer's console queue, a click approves it, and the agent's call completes with a receipt
// that verifies offline with the CLI.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeInBrowser, openPage, signIn } from '../console/fixtures.js';
import { receiptBody, servedForFile, textOf, TOKENS, toolgate } from './harness.js';

const POLICY = `version: toolgate.policy/v1
rules:
  - id: notes-need-a-dba
    effect: require_approval
    match: { server: fx, tool: echo }
    reason: writes need a DBA
    approval: { approvers: ["group:dba"], wait: 45s }
`;

describeInBrowser('the console releases an agent call', () => {
  const gate = servedForFile({ policy: POLICY });

  it('holds the call, shows it in the queue, and a click lets it run', async () => {
    const call = gate.client().callTool({ name: 'fx__echo', arguments: { text: 'release me <script>alert(1)</script>' } }, undefined, { timeout: 60_000 });
    const { page } = await openPage({ url: gate.served().adminUrl } as Parameters<typeof openPage>[0]);
    await signIn(page, TOKENS.alice);
    const row = page.locator('tr[data-id^="apr_"]');
    await row.waitFor();
    expect(await row.innerText()).toContain('fx / echo');
    await row.getByRole('link').click();
    await expect.poll(() => page.getByLabel('Arguments as sent').innerText()).toContain('release me <script>alert(1)</script>');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Approve' }).click();

    const result = await call;
    expect(textOf(result)).toBe('release me <script>alert(1)</script>');
    const body = receiptBody(result);
    expect(body).toMatchObject({ event: 'complete', approval: { decided_by: ['user:alice'] } });
    const envelope = JSON.stringify(result._meta?.['dev.toolgate/receipt']);
    const verified = toolgate(['verify', '-', '--keyring', join(gate.served().dir, 'keys/keyring.json')], envelope);
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
  });
});
