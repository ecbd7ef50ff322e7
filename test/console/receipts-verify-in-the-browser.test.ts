// An auditor finds a call's receipts, opens one, sees its chain neighbours linked by leaf hash and
// its signature verified in the browser (noble, strict) against the published keyring or their own.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { generateKey, keyringPath, type Envelope } from '../../src/receipts/index.js';
import { readReceipts } from '../../src/ledger/index.js';
import { describeInBrowser, demo, openPage, signIn, type Demo } from './fixtures.js';

async function approvedCall(d: Demo) {
  const held = await d.hold();
  const res = await fetch(`${d.url}/api/approvals/${held.id}/approve`, {
    method: 'POST',
    headers: { authorization: 'Bearer bob-reviewer-token', 'content-type': 'application/json' },
    body: JSON.stringify({ note: 'fine' }),
  });
  expect(res.status).toBe(200);
  const receipts = [];
  for await (const r of readReceipts(d.ledgerDir)) receipts.push(r);
  return { held, receipts };
}

async function openReceipt(d: Demo, callId: string, event: string) {
  const { page } = await openPage(d);
  await signIn(page);
  await page.goto(`${d.url}/#/receipts`);
  await page.getByLabel('Call id').fill(callId);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect.poll(() => page.locator('main').getByRole('status').first().innerText()).toBe('3 receipts, newest first');
  await page.locator('tbody tr', { hasText: event }).getByRole('link').click();
  await page.getByRole('heading', { name: /^Receipt rcpt_/ }).waitFor();
  return page;
}

describeInBrowser('the receipts view', () => {
  it('finds a call by id and verifies its approve receipt against the published keyring', async () => {
    const d = await demo();
    const { held, receipts } = await approvedCall(d);
    const page = await openReceipt(d, held.call.id, 'approve');
    const verdict = page.locator('.verdict');
    await expect.poll(() => verdict.innerText()).toBe('Signature verified against the keyring this gateway publishes.');
    const main = await page.locator('main').innerText();
    expect(main).toContain(receipts.find((r) => r.body.event === 'approve')!.leafHash);
    expect(main).toContain('✓ this receipt’s chain.prev is its leaf hash');
    expect(main).toContain('Decided by\nuser:bob');
  });

  it('refuses a keyring the receipt was not signed by, and accepts a pasted copy of the right one', async () => {
    const d = await demo();
    const { held } = await approvedCall(d);
    const page = await openReceipt(d, held.call.id, 'hold');
    await expect.poll(() => page.locator('.verdict').innerText()).toContain('Signature verified');

    const other = generateKey(join(d.keysDir, '..', 'other-keys'));
    await page.getByLabel('Keyring JSON').fill(readFileSync(other.keyringFile, 'utf8'));
    await page.getByRole('button', { name: 'Verify signature' }).click();
    await expect.poll(() => page.locator('.verdict').innerText()).toBe('Verification failed against the pasted keyring.');
    expect(await page.locator('.checks li.fail').innerText()).toMatch(/signer: key ed25519:[0-9a-f]{16} is not in the keyring/);

    await page.getByLabel('Keyring JSON').fill(readFileSync(keyringPath(d.keysDir), 'utf8'));
    await page.getByRole('button', { name: 'Verify signature' }).click();
    await expect.poll(() => page.locator('.verdict').innerText()).toBe('Signature verified against the pasted keyring.');
  });

  it('reports a receipt whose signature was tampered with', async () => {
    const d = await demo();
    const { held, receipts } = await approvedCall(d);
    const hold = receipts.find((r) => r.body.event === 'hold')!;
    const file = hold.file;
    const envelope: Envelope = hold.envelope;
    const sig = envelope.signatures[0]!.sig;
    const forged = `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    writeFileSync(file, readFileSync(file, 'utf8').replace(sig, forged));
    const page = await openReceipt(d, held.call.id, 'hold');
    await expect.poll(() => page.locator('.verdict').innerText()).toBe('Verification failed against the keyring this gateway publishes.');
    expect(await page.locator('.checks li.fail').innerText()).toContain('does not verify');
  });
});
