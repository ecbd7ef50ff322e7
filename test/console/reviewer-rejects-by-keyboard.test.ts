// The queue works without a mouse: j/k move through the calls oldest first, r opens the reject
// dialog for the selected one, a note and Enter send it, and the held request sees "rejected".
import { expect, it } from 'vitest';
import { describeInBrowser, demo, openPage, signIn } from './fixtures.js';

describeInBrowser('a reviewer using only the keyboard', () => {
  it('rejects the second-oldest held call with a note', async () => {
    const d = await demo();
    const first = await d.hold({ args: { sql: 'DELETE FROM a' } });
    const second = await d.hold({ args: { sql: 'DELETE FROM b' } });
    const waiter = d.approvals.wait(second.id, { waitMs: 20_000 });
    const { page } = await openPage(d, { width: 390, height: 844 });
    await signIn(page);
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).getAttribute('data-id')).toBe(first.id);
    expect(await rows.nth(0).getAttribute('aria-selected')).toBe('true');

    await page.keyboard.press('j');
    expect(await rows.nth(1).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('r');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('Reject postgres-prod / execute_sql?');
    await page.keyboard.type('not during business hours');
    await dialog.getByRole('button', { name: 'Reject' }).focus();
    await page.keyboard.press('Enter');

    const { approval: decided } = await waiter;
    expect(decided.status).toBe('rejected');
    expect(decided.decisions[0]).toMatchObject({ reviewer: 'user:alice', verdict: 'reject', note: 'not during business hours' });
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.nth(0).getAttribute('data-id')).toBe(first.id);
    expect((await d.approvals.get(first.id)).status).toBe('pending');
  });
});
