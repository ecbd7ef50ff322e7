// The Review page: the same review `toolgate report` prints (GET /api/review), drawn from a ledger
// written by the real Ledger: the calls by surface and principal with their decision-share charts, a
// policy change beside the jump in holds it caused (with its before/after chart), what a shadow
// candidate would have decided differently, constraint usage.
// Everything the page shows is the API's own figures; the page stays clean (no CSP or script error).
import { expect, it } from 'vitest';
import type { ReceiptDraft } from '../../src/receipts/index.js';
import { callDraft } from '../governance/helpers.js';
import { describeInBrowser, demo, openPage, signIn, TOKENS } from './fixtures.js';

const A = 'a'.repeat(64);
const B = 'c'.repeat(64);
const change = (previous: string | null, bundle: string): ReceiptDraft => ({
  event: 'policy_change',
  policy_change: { previous_bundle_sha256: previous, bundle_sha256: bundle, files: [{ name: 'policy.yaml', sha256: bundle }], signed_by: [] },
});

describeInBrowser('the Review page', () => {
  it('shows the review with its charts, the policy change beside the rise in holds, and constraint usage', async () => {
    const d = await demo();
    const steps: ReceiptDraft[] = [change(null, A)];
    for (let i = 0; i < 4; i++) {
      const permit = callDraft({ event: 'permit', call: `p${i}`, surface: 'db/query', bundle: A });
      steps.push(i === 0 ? Object.assign(permit, { constraints: { set: ['limit'], timeout_ms: 5000 } }) : permit);
    }
    steps.push(change(A, B));
    for (let i = 0; i < 3; i++)
      steps.push(callDraft({ event: 'hold', call: `h${i}`, surface: 'db/query', principal: 'agent:ops', bundle: B, approval: `apr_${i}` }));
    // A shadow candidate would have denied this one.
    const shadowed = { bundle_sha256: 'd'.repeat(64), effect: 'deny', rules: ['no-ops'] };
    steps.push(Object.assign(callDraft({ event: 'permit', call: 'p9', surface: 'db/query', principal: 'agent:ops', bundle: B }), { shadow: shadowed }));
    for (const s of steps) await d.ledger.append(s);

    const { page } = await openPage(d);
    await signIn(page);
    await page.getByRole('link', { name: 'Review' }).click();
    await page.getByRole('heading', { name: 'Review', exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Policy changes' }).waitFor();

    const api = await (await fetch(`${d.url}/api/review?since=7d`, { headers: { authorization: `Bearer ${TOKENS.alice}` } })).json();
    expect(api.totals.calls).toBe(8);
    expect(await page.locator('.cards .card').first().innerText()).toContain(String(api.totals.calls));

    const surfaceRow = page.getByRole('row').filter({ hasText: 'db / query' }).filter({ hasText: 'unclassified' });
    expect(await surfaceRow.innerText()).toMatch(/db \/ query\s+unclassified\s+8\s+0/);
    expect(await page.getByRole('img', { name: 'By surface: share of calls by decision' }).count()).toBe(1);
    expect(await page.getByRole('row').filter({ hasText: 'agent:ops' }).innerText()).toMatch(/agent:ops\s+4\s+0/);

    const bundle = page.getByRole('article', { name: `Bundle ${'c'.repeat(12)}…` });
    expect(await bundle.innerText()).toContain(`Replacing\n${A}`);
    expect(await bundle.innerText()).toContain('4 before, 4 after');
    const chart = bundle.getByRole('img', { name: `Decision rates before and after bundle ${'c'.repeat(12)}…` });
    expect(await chart.textContent()).toContain('0.0% → 75.0% (+75.0 pp)');

    expect(await page.getByRole('row').filter({ hasText: 'PERMIT → DENY' }).innerText()).toMatch(/db \/ query\s+1\s+PERMIT → DENY × 1/);
    expect(await page.getByText('1 of 5 calls let through').innerText()).toContain('(20.0%)');
    expect(await page.getByText(/^1 calls \(5.0 s – 5.0 s\)$/).count()).toBe(1);
  });
});

it('GET /api/review answers the report for a period, and refuses a period that is not one', async () => {
  const d = await demo();
  await d.ledger.append(callDraft({ event: 'deny', call: 'd1', surface: 'db/exec' }));
  const get = (q: string, token: string | null = TOKENS.alice) =>
    fetch(`${d.url}/api/review${q}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }).then(async (r) => ({
      status: r.status,
      json: await r.json(),
    }));
  const ok = await get('?since=1d');
  expect(ok.status).toBe(200);
  expect(ok.json).toMatchObject({ version: 'toolgate.review/v1', totals: { calls: 1, decisions: { deny: { count: 1, rate: 1 } } } });
  expect(ok.json.surfaces).toMatchObject([{ server: 'db', tool: 'exec', calls: 1 }]);
  const bad = await get('?since=last%20tuesday');
  expect(bad.status).toBe(400);
  expect(bad.json.error.message).toContain('since "last tuesday": expected a duration ago');
  expect((await get('?since=1d&until=2d')).status).toBe(400);
  expect((await get('?period=7d')).status).toBe(400);
  expect((await get('?since=1d', null)).status).toBe(401);
});
