// The `toolgate` command line. Each command group lives in its own file and registers itself here.
import { Command } from 'commander';
import { registerSchema } from './schema.js';
import { registerVerify } from './verify.js';
import { registerLedger } from './ledger.js';
import { registerKeys } from './keys.js';
import { registerPolicy } from './policy.js';
import { registerApprovals } from './approvals.js';
import { registerServe } from './serve.js';
import { registerInit } from './init.js';
import { registerPins } from './pins.js';
import { registerSurfaces } from './surfaces.js';
import { registerReport } from './report.js';
import { registerReplay } from './replay.js';
import { registerBreakGlass } from './break-glass.js';
import { registerWitness } from './witness.js';
import { endQuietlyWhenStdoutCloses } from './closed-stdout.js';

const program = new Command('toolgate')
  .description('A firewall for MCP tool calls: policy decisions, human approvals and signed receipts.')
  .version('0.1.0')
  .showHelpAfterError();

for (const register of [
  registerSchema,
  registerApprovals,
  registerServe,
  registerInit,
  registerPolicy,
  registerPins,
  registerSurfaces,
  registerVerify,
  registerLedger,
  registerKeys,
  registerReport,
  registerReplay,
  registerBreakGlass,
  registerWitness,
])
  register(program);
endQuietlyWhenStdoutCloses(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`toolgate: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = process.exitCode || 1;
});
