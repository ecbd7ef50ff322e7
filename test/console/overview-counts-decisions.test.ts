// The overview counts decisions by surface and outcome in UTC buckets and charts them; the console's
// API routes validate their queries and answer unknown receipts with 404.
import { expect, it } from 'vitest';
import { summarize } from '../../src/admin/console/index.js';
import type { ReceiptBody } from '../../src/receipts/index.js';
// @ts-expect-error plain ESM JavaScript shared with web/screenshots.mjs
import { decisionDraft } from '../../web/demo-gateway.mjs';
import { describeInBrowser, demo, openPage, signIn, TOKENS } from './fixtures.js';

const body = (event: string, ts: string, server = 'fs', tool = 'read_file') => ({ event, ts, call: { server, tool } }) as unknown as ReceiptBody;

describeInBrowser('the overview', () => {
  it('puts each decision in its UTC day and leaves out what falls outside the period', async () => {
    const now = new Date('2026-03-10T12:00:00Z');
    const ov = await summarize(
      [
        body('permit', '2026-03-10T01:00:00Z'),
        body('deny', '2026-03-10T23:59:59Z'),
        body('silence', '2026-03-04T00:00:00Z', 'github', 'search'),
        body('permit', '2026-03-03T23:59:59Z'),
        body('complete', '2026-03-10T02:00:00Z'),
      ],
      '7d',
      now,
    );
    expect(ov.buckets[0]).toBe('2026-03-04T00:00:00.000Z');
    expect(ov.to).toBe('2026-03-11T00:00:00.000Z');
    const fs = ov.surfaces.find((s) => s.server === 'fs')!;
    expect(fs.totals).toEqual({ permit: 1, deny: 1 });
    expect(fs.series[6]).toEqual({ permit: 1, deny: 1 });
    expect(ov.surfaces.find((s) => s.server === 'github')!.series[0]).toEqual({ silence: 1 });
  });

  it('shows counts, a chart and per-surface refusal rates in the browser', async () => {
    const d = await demo();
    for (let i = 0; i < 3; i++) await d.ledger.append(decisionDraft('permit', { server: 'fs', tool: 'read_file' }));
    await d.ledger.append(decisionDraft('deny', { server: 'fs', tool: 'write_file', rules: ['no-writes'] }));
    await d.ledger.append(decisionDraft('silence', { server: 'github', tool: 'delete_repo' }));
    const { page } = await openPage(d);
    await signIn(page);
    await page.goto(`${d.url}/#/overview?period=24h`);
    await page.getByRole('img', { name: 'Decisions per hour by outcome' }).waitFor();
    const cards = await page.locator('.card').allInnerTexts();
    expect(cards.slice(0, 3).map((c) => c.replace(/\s+/g, ' '))).toEqual(['3 PERMIT', '1 DENY', '1 SILENCE']);
    expect(await page.locator('svg.chart rect').count()).toBe(3);
    const row = page.locator('tbody tr', { hasText: 'fs / write_file' });
    expect(await row.innerText()).toContain('100.0%');
    await page.getByLabel('Surface').selectOption('fs/read_file');
    await expect.poll(() => page.locator('h2').first().innerText()).toContain('fs / read_file');
    expect(await page.locator('svg.chart rect').count()).toBe(1);
  });

  it('rejects unknown or malformed query keys and answers unknown receipts with 404', async () => {
    const d = await demo();
    const get = (path: string) => fetch(`${d.url}${path}`, { headers: { authorization: `Bearer ${TOKENS.alice}` } });
    const bad = await get('/api/receipts?colour=red');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('colour');
    expect((await get('/api/receipts?event=maybe')).status).toBe(400);
    expect((await get('/api/receipts?limit=5000')).status).toBe(400);
    expect((await get('/api/overview?period=1y')).status).toBe(400);
    expect((await get('/api/receipts/rcpt_01M81Q893RFD9N6D1PHJ6QMADT')).status).toBe(404);
    const keyring = (await (await get('/api/keyring')).json()) as { version: string; keys: unknown[] };
    expect(keyring.version).toBe('toolgate.keyring/v1');
    expect(keyring.keys).toHaveLength(1);
  });
});
