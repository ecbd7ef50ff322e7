// A reader that stops early (`toolgate ledger tail --from 0 | head`) closes the CLI's stdout. The
// command then ends quietly, as Unix tools do, keeping any exit code it already set, instead of
// crashing on an unhandled EPIPE. `serve` is left out: in stdio mode its stdout is the client's
// JSON-RPC channel, whose transport handles a closed stream and lets the gateway drain.
import type { Command } from 'commander';

export function endQuietlyWhenStdoutCloses(program: Command): void {
  program.hook('preAction', (_program, action) => {
    if (action.name() === 'serve') return;
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      process.exit(process.exitCode ?? 0);
    });
  });
}
