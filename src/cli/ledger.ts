// `toolgate ledger verify|prove|stats|tail`: audit and inspect a ledger directory, located either
// through the config (./toolgate.yaml or -c: ledger.dir and keys.dir/keyring.json) or given directly.
import type { Command } from 'commander';
import { formatProblem, ledgerStats, tailReceipts, verifyLedger, withReadOnlyIndex, type StoredReceipt } from '../ledger/index.js';
import { isCallReceipt, Keyring, ownBodySubject } from '../receipts/index.js';
import { keyringOf, ledgerDirOf, withLocation } from './ledger-location.js';
import { registerLedgerConsistency } from './ledger-consistency.js';
import { registerLedgerProve } from './ledger-prove.js';
import { checkWitnesses, withWitnessOptions } from './ledger-witnesses.js';

export { ledgerDirOf } from './ledger-location.js';

function summary(r: StoredReceipt): string {
  const b = r.body;
  const what = isCallReceipt(b) ? `${b.call.server}/${b.call.tool} ${b.principal.id} call ${b.call.id}` : ownBodySubject(b);
  return `${b.chain.seq}\t${b.ts}\t${b.event}\t${what}\t${b.id}`;
}

export function registerLedger(program: Command): void {
  const ledger = program.command('ledger').description('verify, prove, summarise and follow the receipt ledger');

  withWitnessOptions(withLocation(ledger.command('verify').description('check every receipt, link and checkpoint; report the first bad entry'))).action(
    async (opts) => {
      const keyring = Keyring.load(keyringOf(opts));
      const report = await verifyLedger(ledgerDirOf(opts), keyring);
      if (report.ok) {
        process.stdout.write(`ok: ${report.receipts} receipts, ${report.checkpoints} checkpoints, chain ${report.chainId ?? '(empty)'}\n`);
        if (!(await checkWitnesses(opts, ledgerDirOf(opts), keyring, report.receipts))) process.exitCode = 1;
      } else {
        process.stdout.write(`FAIL after ${report.receipts} good receipts: ${formatProblem(report.problem!)}\n`);
        process.exitCode = 1;
      }
    },
  );

  registerLedgerProve(ledger);
  registerLedgerConsistency(ledger);

  withLocation(ledger.command('stats').description('count receipts by event and by surface (server/tool)'))
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const stats = await withReadOnlyIndex(ledgerDirOf(opts), (index) => ledgerStats(ledgerDirOf(opts), index));
      if (opts.json) return void process.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
      const events = (counts: Record<string, number>) =>
        Object.entries(counts)
          .map(([e, n]) => `${e}=${n}`)
          .join(' ');
      const lines = [`receipts: ${stats.receipts}${stats.first ? ` (${stats.first} .. ${stats.last})` : ''}`, `events: ${events(stats.byEvent)}`];
      for (const [surface, counts] of Object.entries(stats.bySurface).sort()) lines.push(`  ${surface}: ${events(counts)}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  withLocation(ledger.command('tail').description('follow new receipts as they are written (Ctrl-C to stop)'))
    .option('--from <seq>', 'start at this seq instead of the end', (v) => Number(v))
    .option('--json', 'print each envelope as a JSON line')
    .action(async (opts) => {
      const abort = new AbortController();
      process.once('SIGINT', () => abort.abort());
      process.once('SIGTERM', () => abort.abort());
      for await (const r of tailReceipts(ledgerDirOf(opts), { signal: abort.signal, fromSeq: opts.from })) {
        process.stdout.write(`${opts.json ? JSON.stringify(r.envelope) : summary(r)}\n`);
      }
    });
}
