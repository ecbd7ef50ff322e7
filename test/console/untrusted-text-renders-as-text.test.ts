// Arguments and tool descriptions come from agents and upstreams: markup in them is shown as the
// characters it is made of, never parsed, and (with the CSP as a second wall) never run.
import { expect, it } from 'vitest';
import { describeInBrowser, demo, openPage, signIn } from './fixtures.js';

const SCRIPT = '<script>window.__pwned = 1</script>';
const IMG = '<img src=x onerror="window.__pwned = 2">';

describeInBrowser('untrusted text in a held call', () => {
  it('shows <script> and event-handler markup literally and runs none of it', async () => {
    const d = await demo();
    const held = await d.hold({ args: { sql: SCRIPT, comment: IMG }, description: `Runs SQL. ${IMG}<b>bold?</b>` });
    const { page } = await openPage(d);
    await signIn(page);
    await page.goto(`${d.url}/#/approvals/${held.id}`);
    const args = page.getByLabel('Arguments as sent');
    await args.waitFor();
    const text = await args.innerText();
    expect(text).toContain(JSON.stringify(SCRIPT));
    expect(text).toContain(JSON.stringify(IMG));
    expect(await page.locator('main').innerText()).toContain(`Runs SQL. ${IMG}<b>bold?</b>`);
    expect(await page.locator('main script, main img, main b').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('folds a long argument value and unfolds it on request', async () => {
    const d = await demo();
    const long = `${'A'.repeat(300)}END`;
    const held = await d.hold({ args: { blob: long } });
    const { page } = await openPage(d);
    await signIn(page);
    await page.goto(`${d.url}/#/approvals/${held.id}`);
    const args = page.getByLabel('Arguments as sent');
    await args.waitFor();
    expect(await args.innerText()).not.toContain('END');
    await args.getByRole('button', { name: /show all 303 characters/ }).click();
    expect(await args.innerText()).toContain(`${'A'.repeat(300)}END`);
  });
});
