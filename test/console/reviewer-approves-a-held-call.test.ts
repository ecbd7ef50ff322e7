// A held call appears live in a signed-in reviewer's queue; a click opens it and a click approves
// it with a note; the held request sees "approved" and the ledger holds the signed vote and approve receipts.
import { expect, it } from 'vitest';
import { readReceipts } from '../../src/ledger/index.js';
import { describeInBrowser, demo, openPage, signIn } from './fixtures.js';

describeInBrowser('a reviewer in the console', () => {
  it('sees a new held call appear live and approves it with a click', async () => {
    const d = await demo();
    const { page } = await openPage(d);
    await signIn(page);
    await page.getByText('No calls are waiting for a decision.').waitFor();

    // Held after the page loaded: only the event stream can bring it in.
    const held = await d.hold({ args: { sql: 'UPDATE accounts SET frozen = true' } });
    const waiter = d.approvals.wait(held.id, { waitMs: 20_000 });
    const row = page.locator(`tr[data-id="${held.id}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain('postgres-prod / execute_sql');
    expect(await row.innerText()).toContain('agent:ci');

    await row.getByRole('link').click();
    await page.getByRole('heading', { name: /postgres-prod \/ execute_sql/ }).waitFor();
    await expect.poll(() => page.getByLabel('Arguments as sent').innerText()).toContain('UPDATE accounts SET frozen = true');
    expect(await page.locator('main').innerText()).toContain('writes to production need a DBA');
    await page.getByLabel(/^Note/).fill('checked with the account owner');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Approve' }).click();

    const { approval: decided } = await waiter;
    expect(decided.status).toBe('approved');
    expect(decided.decisions).toEqual([expect.objectContaining({ reviewer: 'user:alice', verdict: 'approve', note: 'checked with the account owner' })]);
    await expect.poll(() => page.locator('h1 .status').innerText()).toBe('approved');
    expect(await page.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true);

    const events: string[] = [];
    for await (const r of readReceipts(d.ledgerDir)) events.push(r.body.event);
    expect(events).toEqual(['hold', 'vote', 'approve']);
  });

  it('sees a decision made elsewhere drop the call from the queue at once', async () => {
    const d = await demo();
    const held = await d.hold();
    const { page } = await openPage(d);
    await signIn(page);
    await page.locator(`tr[data-id="${held.id}"]`).waitFor();
    await fetch(`${d.url}/api/approvals/${held.id}/approve`, { method: 'POST', headers: { authorization: 'Bearer bob-reviewer-token' } });
    await page.getByText('No calls are waiting for a decision.').waitFor();
  });
});
