// Without a valid reviewer token the console shows the sign-in and nothing else, and the API gives
// nothing away; the page shell carries a strict CSP and the other security headers.
import { expect, it } from 'vitest';
import { describeInBrowser, demo, openPage } from './fixtures.js';

describeInBrowser('a visitor without a reviewer token', () => {
  it('gets the page shell with a strict CSP, nosniff and no referrer', async () => {
    const d = await demo();
    for (const path of ['/', '/app.js', '/console.css']) {
      const res = await fetch(`${d.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      );
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
    expect(await (await fetch(`${d.url}/`)).text()).not.toMatch(/<script>|style=/);
  });

  it('sees only the sign-in, even with a held call waiting and a deep link to it', async () => {
    const d = await demo();
    const held = await d.hold({ args: { sql: 'DROP TABLE secrets' } });
    const { page, requests } = await openPage(d);
    await page.goto(`${d.url}/#/approvals/${held.id}`);
    await page.getByLabel('Reviewer token').waitFor();
    await expect.poll(() => page.locator('main').innerText()).toContain('Reviewer sign-in');
    const text = await page.locator('body').innerText();
    expect(text).not.toContain('DROP TABLE');
    expect(text).not.toContain(held.id);
    expect(await page.locator('#nav').isHidden()).toBe(true);
    expect(requests.filter((u) => u.includes('/api/'))).toEqual([]);
  });

  it('is refused with a wrong token, which is not kept', async () => {
    const d = await demo();
    const { page } = await openPage(d);
    await page.getByLabel('Reviewer token').fill('not-a-reviewer');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toBe('That token is not a reviewer token.');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(await page.locator('table').count()).toBe(0);
  });

  it('gets 401 from every console API route', async () => {
    const d = await demo();
    for (const path of [
      '/api/receipts',
      '/api/receipts/rcpt_01M81Q893RFD9N6D1PHJ6QMADT',
      '/api/keyring',
      '/api/overview',
      '/api/approvals?status=pending',
      '/api/events',
    ]) {
      const res = await fetch(`${d.url}${path}`, { headers: { authorization: 'Bearer wrong' } });
      expect(res.status, path).toBe(401);
    }
  });
});
