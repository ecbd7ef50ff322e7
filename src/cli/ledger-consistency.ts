// `toolgate ledger consistency`: is an older checkpoint (one the ledger holds, or one an auditor kept
// from before) a prefix of today's ledger? Writes the RFC 9162 proof, or checks a proof file offline.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkLedgerConsistency, verifyConsistencyProof, type LedgerConsistency } from '../ledger/index.js';
import { Keyring } from '../receipts/index.js';
import { keyringOf, ledgerDirOf, withLocation } from './ledger-location.js';

const sizeArg = (v: string) => {
  if (!/^\d+$/.test(v)) throw new Error(`not a tree size: ${v}`);
  return Number(v);
};

function said(c: Pick<LedgerConsistency, 'old' | 'new'>): string {
  return `ok: the checkpoint of ${c.old.size} receipts (${c.old.time}) is a prefix of the checkpoint of ${c.new.size} receipts (${c.new.time}), log ${c.new.origin}\n`;
}

export function registerLedgerConsistency(ledger: Command): void {
  withLocation(
    ledger
      .command('consistency')
      .description('prove that an older checkpoint is a prefix of a newer one (RFC 9162): nothing it covered was removed or rewritten'),
  )
    .option('--old <file>', 'a checkpoint you kept (its signed note, as `ledger consistency` or a proof gave it)')
    .option('--from <size>', "the ledger's own checkpoint of this size as the old one", sizeArg)
    .option('--to <size>', "the ledger's checkpoint of this size as the new one (default: its latest)", sizeArg)
    .option('-o, --output <file>', 'write the proof (JSON) here')
    .option('--proof <file>', 'check a proof file offline instead (needs only the keyring)')
    .action(async (opts) => {
      const keyring = Keyring.load(keyringOf(opts));
      try {
        if (opts.proof) return void process.stdout.write(said(verifyConsistencyProof(JSON.parse(readFileSync(opts.proof, 'utf8')), keyring)));
        if (opts.old === undefined && opts.from === undefined) throw new Error('name the old checkpoint: --old <file> or --from <size>');
        const oldNote = opts.old === undefined ? undefined : readFileSync(opts.old, 'utf8');
        const result = await checkLedgerConsistency(ledgerDirOf(opts), keyring, { oldNote, from: opts.from, to: opts.to });
        if (opts.output) writeFileSync(opts.output, `${JSON.stringify(result.proof, null, 2)}\n`);
        process.stdout.write(said(result));
      } catch (err) {
        process.stdout.write(`FAIL: ${(err as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
