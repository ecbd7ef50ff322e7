// A hold that demands a note and a change ticket: the console's approve dialog (from the queue) and
// the held call's page offer both, marked required, say who must approve, send them with the
// decision, and send nothing while one is missing.
import { expect, it } from 'vitest';
import { describeInBrowser, demo, openPage, signIn } from './fixtures.js';

const demanding = {
  requirement: [
    { rule: 'prod-sql-writes', group: 'dba', quorum: 1 },
    { rule: 'change-board', approvers: ['user:carol', 'user:bob'], quorum: 1 },
  ],
  evidence: { note: true, fields: ['ticket'] },
};

describeInBrowser('a decision on a hold that demands evidence', () => {
  it('is taken in the queue dialog with the note and the ticket', async () => {
    const d = await demo();
    const held = await d.hold(demanding);
    const { page } = await openPage(d);
    await signIn(page);
    await page.locator(`tr[data-id="${held.id}"]`).waitFor();
    await page.keyboard.press('a');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('1 of group:dba (rule prod-sql-writes); 1 of user:carol or user:bob (rule change-board)');
    await dialog.getByLabel('Note (required, recorded in the receipt)').fill('checked the WHERE clause');
    await dialog.getByLabel('Evidence: ticket (required)').fill('CHG-42');
    await dialog.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(async () => (await d.approvals.get(held.id)).decisions.length).toBe(1);
    expect((await d.approvals.get(held.id)).decisions[0]).toMatchObject({
      reviewer: 'user:alice',
      groups: ['dba'],
      note: 'checked the WHERE clause',
      evidence: { ticket: 'CHG-42' },
    });
  });

  it('is not sent from the held call page while the ticket is missing, and is sent once it is given', async () => {
    const d = await demo();
    const held = await d.hold(demanding);
    const { page } = await openPage(d);
    await signIn(page);
    await page.goto(`${d.url}/#/approvals/${held.id}`);
    await page.getByLabel('Note (required, recorded in the receipt)').fill('fine by me');
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.locator('.decide [role=status]').innerText()).toBe('Not sent: This decision needs “ticket”.');
    expect((await d.approvals.get(held.id)).decisions).toEqual([]);
    await page.getByLabel('Evidence: ticket (required)').fill('CHG-43');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(async () => (await d.approvals.get(held.id)).decisions[0]?.evidence).toEqual({ ticket: 'CHG-43' });
    await expect.poll(() => page.locator('main').innerText()).toContain('approve by user:alice [dba] (“fine by me”) {ticket: CHG-43}');
  });
});
