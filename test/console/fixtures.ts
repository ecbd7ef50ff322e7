// The console's test rig: a real admin server over a real store, ledger and keys (web/demo-gateway.mjs,
// built code), and Debian's chromium driven by playwright-core. Every page records what it fetched
// and any CSP violation or script error, so each test can also prove the page stayed clean.
// Without Chromium the browser suites are skipped with a notice, except in CI, where they must run.
import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
// @ts-expect-error plain ESM JavaScript shared with web/screenshots.mjs
import { startDemo, TOKENS } from '../../web/demo-gateway.mjs';

export { TOKENS };

export interface Demo {
  url: string;
  keysDir: string;
  ledgerDir: string;
  approvals: import('../../src/approvals/index.js').Approvals;
  ledger: import('../../src/ledger/index.js').Ledger;
  hold(options?: Record<string, unknown>): Promise<import('../../src/approvals/index.js').HeldCall>;
  close(): Promise<void>;
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's chromium; TOOLGATE_TEST_CHROMIUM names another (the skip test points it nowhere). */
const CHROMIUM = process.env.TOOLGATE_TEST_CHROMIUM ?? '/usr/bin/chromium';
const runInBrowser = existsSync(CHROMIUM) || Boolean(process.env.CI);
if (!runInBrowser) {
  console.warn(
    `NOTICE: browser tests skipped: no Chromium at ${CHROMIUM} (install the "chromium" package, or set TOOLGATE_TEST_CHROMIUM). In CI (env CI set) they are mandatory.`,
  );
}

/** `describe` for suites that drive a browser: skipped without Chromium outside CI. */
export const describeInBrowser = describe.skipIf(!runInBrowser);

let browser: Browser;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  if (!runInBrowser) return;
  if (!existsSync(new URL('../../dist/console/app.js', import.meta.url))) throw new Error('the console is not built: run npm run build first');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  const failures: unknown[] = [];
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((err: unknown) => failures.push(err));
  if (failures.length > 0) throw failures[0];
});

export async function demo(): Promise<Demo> {
  const d = (await startDemo()) as Demo;
  cleanups.push(() => d.close());
  return d;
}

/** A fresh browser context (own sessionStorage) with a page that records requests and problems. */
export async function openPage(d: Demo, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  cleanups.push(() => context.close());
  const page = await context.newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  cleanups.push(async () => {
    expect(problems, 'CSP violations or script errors').toEqual([]);
    expect(
      requests.filter((u) => !u.startsWith(`${d.url}/`) && !u.startsWith('data:')),
      'requests leaving the gateway',
    ).toEqual([]);
  });
  await page.goto(`${d.url}/`);
  return { page, requests };
}

export async function signIn(page: Page, token = TOKENS.alice): Promise<void> {
  await page.getByLabel('Reviewer token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Pending approvals' }).waitFor();
}
