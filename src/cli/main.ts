// The `toolgate` command line. Each command group lives in its own file and registers itself here.
import { Command } from 'commander';
import { registerSchema } from './schema.js';

const program = new Command('toolgate')
  .description('A firewall for MCP tool calls: policy decisions, human approvals and signed receipts.')
  .version('0.1.0')
  .showHelpAfterError();

for (const register of [registerSchema]) register(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`toolgate: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = process.exitCode || 1;
});
