// The `toolgate` command line. Each command group lives in its own file and registers itself here.
// Only the group named on the command line is loaded (all of them for help or an unknown name): a
// group's modules cost every other command their memory, and `ledger verify` is held to 200 MB at
// a million receipts.
import { Command } from 'commander';
import { endQuietlyWhenStdoutCloses } from './closed-stdout.js';

type Register = (program: Command) => void;

/** Each top-level command, in the order help lists them, and how to load its registration. */
const groups: ReadonlyArray<readonly [string, () => Promise<Register>]> = [
  ['schema', async () => (await import('./schema.js')).registerSchema],
  ['approvals', async () => (await import('./approvals.js')).registerApprovals],
  ['serve', async () => (await import('./serve.js')).registerServe],
  ['init', async () => (await import('./init.js')).registerInit],
  ['policy', async () => (await import('./policy.js')).registerPolicy],
  ['pins', async () => (await import('./pins.js')).registerPins],
  ['surfaces', async () => (await import('./surfaces.js')).registerSurfaces],
  ['verify', async () => (await import('./verify.js')).registerVerify],
  ['ledger', async () => (await import('./ledger.js')).registerLedger],
  ['keys', async () => (await import('./keys.js')).registerKeys],
  ['report', async () => (await import('./report.js')).registerReport],
  ['replay', async () => (await import('./replay.js')).registerReplay],
  ['break-glass', async () => (await import('./break-glass.js')).registerBreakGlass],
  ['witness', async () => (await import('./witness.js')).registerWitness],
];

async function main(argv: string[]): Promise<void> {
  const program = new Command('toolgate')
    .description('A firewall for MCP tool calls: policy decisions, human approvals and signed receipts.')
    .version('0.1.0')
    .showHelpAfterError();
  const named = groups.filter(([name]) => name === argv[2]);
  for (const [, load] of named.length > 0 ? named : groups) (await load())(program);
  endQuietlyWhenStdoutCloses(program);
  await program.parseAsync(argv);
}

main(process.argv).catch((err: unknown) => {
  process.stderr.write(`toolgate: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = process.exitCode || 1;
});
