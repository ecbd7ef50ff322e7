// Approving is confirmed first, and the console words it as it is: while the agent waits on the
// held call, its call goes ahead; once the agent has its "pending" answer, the call runs only if
// the agent repeats it. The held call says which, and the confirmation and the result repeat it.
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { demo, describeInBrowser, type Demo, openPage, signIn } from './fixtures.js';

/** Opens the held call's page, signed in. */
async function heldCallPage(d: Demo, id: string): Promise<Page> {
  const { page } = await openPage(d);
  await signIn(page);
  await page.goto(`${d.url}/#/approvals/${id}`);
  return page;
}

/** Clicks Approve and answers the confirmation; resolves with its question. */
async function approveAnswering(page: Page, accept: boolean): Promise<string> {
  const question = new Promise<string>((resolve) =>
    page.once('dialog', (dialog) => {
      resolve(dialog.message());
      void (accept ? dialog.accept() : dialog.dismiss());
    }),
  );
  await page.getByRole('button', { name: 'Approve' }).click();
  return question;
}

describeInBrowser('approving a held call in the console', () => {
  it('says when the agent no longer waits, asks first, and a cancelled confirmation decides nothing', async () => {
    const d = await demo();
    const held = await d.hold();
    const page = await heldCallPage(d, held.id);
    await expect.poll(() => page.locator('main').innerText()).toContain('no longer waiting');

    expect(await approveAnswering(page, false)).toContain('runs if the agent repeats the call');
    expect((await d.approvals.get(held.id)).status).toBe('pending');

    await approveAnswering(page, true);
    await expect.poll(() => page.locator('.decide [role=status]').innerText()).toBe('Approved. The call runs if the agent repeats it.');
    expect((await d.approvals.get(held.id)).status).toBe('approved');
  });

  it('says the agent is waiting, and that its call goes ahead', async () => {
    const d = await demo();
    const held = await d.hold();
    const waiter = d.approvals.wait(held.id, { waitMs: 20_000 });
    const page = await heldCallPage(d, held.id);
    await expect.poll(() => page.locator('main').innerText()).toContain('waiting for this decision');

    expect(await approveAnswering(page, true)).toContain('goes ahead');
    expect((await waiter).approval.status).toBe('approved');
    await expect.poll(() => page.locator('.decide [role=status]').innerText()).toBe('Approved. The agent’s call goes ahead.');
  });
});
