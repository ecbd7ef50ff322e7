// "No permit, no execution", checked from the ledger alone: every complete or fail names (ref) the
// permit of its own call written before it, and a permit is executed at most once. Each forged
// ledger below is signed with the real key and well-formed receipt by receipt.
import { describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/ledger/index.js';
import { callDraft, keyring, permitThenComplete, writeLedger } from './helpers.js';

const result = { sha256: 'c'.repeat(64), is_error: false };

describe('ledger verify and executions', () => {
  it('accepts a complete that follows the permit of its call', async () => {
    expect((await verifyLedger(await permitThenComplete(), keyring)).ok).toBe(true);
  });

  it('rejects a complete with no permit before it', async () => {
    const dir = await writeLedger([() => callDraft('permit', 'call_0'), () => callDraft('complete', 'call_1', { ref: 'e'.repeat(64), result })]);
    expect((await verifyLedger(dir, keyring)).problem).toMatchObject({ line: 2, seq: 1, code: 'no_permit' });
  });

  it("rejects a complete whose ref is another call's permit", async () => {
    const dir = await writeLedger([() => callDraft('permit', 'call_0'), ([permit]) => callDraft('complete', 'call_1', { ref: permit!, result })]);
    expect((await verifyLedger(dir, keyring)).problem).toMatchObject({ seq: 1, code: 'no_permit' });
  });

  it('rejects a second execution of one permit', async () => {
    const dir = await writeLedger([
      () => callDraft('permit'),
      ([permit]) => callDraft('complete', 'call_1', { ref: permit!, result }),
      ([permit]) => callDraft('fail', 'call_1', { ref: permit! }),
    ]);
    expect((await verifyLedger(dir, keyring)).problem).toMatchObject({ line: 3, seq: 2, code: 'no_permit' });
  });

  it('rejects a complete that comes before its permit', async () => {
    const dir = await writeLedger([() => callDraft('complete', 'call_1', { ref: 'e'.repeat(64), result }), () => callDraft('permit')]);
    expect((await verifyLedger(dir, keyring)).problem).toMatchObject({ line: 1, seq: 0, code: 'no_permit' });
  });
});
