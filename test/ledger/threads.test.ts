// The multi-threaded paths of the built code (run "npm run build" first): big group commits signed
// in the signer's worker thread, and `ledger verify` checking signatures in worker threads. Each receipt is
// cross-checked with the single-receipt strict verifier from the sources.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReceipts } from '../../src/ledger/index.js';
import { verifyReceipt } from '../../src/receipts/index.js';
import { built, draft, keyringOf, silentLog, tempDir } from './helpers.js';

describe('threaded signing and verification', () => {
  it('signs big batches in a worker thread with signatures that verify strictly', async () => {
    const { Ledger, threadedSigner, verifyLedger } = await built();
    const dir = tempDir();
    const signer = threadedSigner(Buffer.alloc(32, 7));
    expect(signer.signBatch).toBeTypeOf('function');
    const ledger = await Ledger.open({ dir, signer, issuerId: 'gate', log: silentLog });
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => ledger.append(draft(i))));
    expect(results.map((r) => r.body.chain.seq)).toEqual(results.map((_, i) => i));
    await ledger.close();
    const keyring = keyringOf({ signer });
    for await (const r of readReceipts(dir)) verifyReceipt(r.envelope, keyring);
    expect(await verifyLedger(dir, keyring, { threads: 2 })).toMatchObject({ ok: true, receipts: 300 });
  });

  it('reports the first bad line in order when worker threads check the signatures', async () => {
    const { Ledger, signerFromSeed, verifyLedger } = await built();
    const dir = tempDir();
    const signer = signerFromSeed(Buffer.alloc(32, 8));
    const ledger = await Ledger.open({ dir, signer, issuerId: 'gate', log: silentLog });
    await Promise.all(Array.from({ length: 1000 }, (_, i) => ledger.append(draft(i))));
    await ledger.close();
    const segment = join(dir, 'receipts-000000000000.jsonl');
    const lines = readFileSync(segment, 'utf8').split('\n');
    const [a, b] = [JSON.parse(lines[699]!), JSON.parse(lines[700]!)];
    lines[699] = JSON.stringify({ ...a, signatures: b.signatures }); // line 700 carries line 701's signature
    writeFileSync(segment, lines.join('\n'));
    const report = await verifyLedger(dir, keyringOf({ signer }), { threads: 2 });
    expect(report.problem).toMatchObject({ file: segment, line: 700, seq: 699, code: 'signature_invalid' });
  });
});
