// The Break-glass view: a reviewer with the "break-glass" right sees the windows nobody has reviewed
// yet and reviews one with a note (refused without one); the window moves to the reviewed ones and
// the ledger holds the signed break_glass_review receipt. The reviewer who opened a window is not
// offered its review, and a reviewer without the right is told why nothing is offered.
import { expect, it } from 'vitest';
import { readReceipts } from '../../src/ledger/index.js';
import { describeInBrowser, demo, openPage, signIn, TOKENS, type Demo } from './fixtures.js';

type GlassDemo = Demo & { openWindow(token: string, body: Record<string, unknown>): Promise<{ id: string }> };

describeInBrowser('the Break-glass view', () => {
  it('lists the unreviewed windows and records a review with its note', async () => {
    const d = (await demo()) as GlassDemo;
    const opened = await d.openWindow(TOKENS.carol, { reason: 'INC-7 <b>rds</b> outage', for: '30m', surface: 'postgres-prod' });
    const { page } = await openPage(d);
    await signIn(page);
    await page.getByRole('link', { name: 'Break-glass' }).click();
    await page.getByRole('heading', { name: 'Break-glass windows' }).waitFor();

    const card = page.getByRole('article', { name: opened.id });
    await card.waitFor();
    expect(await card.innerText()).toContain('INC-7 <b>rds</b> outage');
    expect(await page.locator('main b').count()).toBe(0);
    expect(await card.innerText()).toContain('user:carol');
    expect(await card.innerText()).toContain('* on postgres-prod/*');

    await card.getByRole('button', { name: 'Record review' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('a note is required');

    await card.getByLabel(`Review note for ${opened.id}`).fill('rds reboot only, matches INC-7');
    await card.getByRole('button', { name: 'Record review' }).click();
    await page.getByText('No break-glass window is waiting for a review.').waitFor();
    expect(await page.getByRole('status').filter({ hasText: 'Recorded' }).innerText()).toContain(`Recorded your review of ${opened.id}`);
    const reviewed = page.getByRole('article', { name: `${opened.id} (reviewed)` });
    expect(await reviewed.innerText()).toContain('user:alice');
    expect(await reviewed.innerText()).toContain('rds reboot only, matches INC-7');

    const receipts = [];
    for await (const r of readReceipts(d.ledgerDir)) receipts.push(r.body);
    expect(receipts.map((b) => b.event)).toEqual(['break_glass_open', 'break_glass_review']);
    expect(receipts[1]).toMatchObject({ principal: { id: 'user:alice' }, break_glass: { id: opened.id, note: 'rds reboot only, matches INC-7' } });
  });

  it('offers no review to the reviewer who opened the window, nor to one without the right', async () => {
    const d = (await demo()) as GlassDemo;
    const opened = await d.openWindow(TOKENS.carol, { reason: 'INC-8', for: '30m' });
    const asOpener = await openPage(d);
    await signIn(asOpener.page, TOKENS.carol);
    await asOpener.page.goto(`${d.url}/#/break-glass`);
    const card = asOpener.page.getByRole('article', { name: opened.id });
    await card.waitFor();
    expect(await card.innerText()).toContain('You opened or confirmed this window: another reviewer with the right must review it.');
    expect(await card.getByRole('button', { name: 'Record review' }).count()).toBe(0);

    const withoutRight = await openPage(d);
    await signIn(withoutRight.page, TOKENS.bob);
    await withoutRight.page.goto(`${d.url}/#/break-glass`);
    await withoutRight.page.getByText('Reviewing break-glass windows needs the "break-glass" right').waitFor();
    expect(await withoutRight.page.getByRole('button', { name: 'Record review' }).count()).toBe(0);
  });
});
