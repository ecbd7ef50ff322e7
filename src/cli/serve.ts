// `toolgate serve`: load the config, start the runtime, and run until SIGINT, SIGTERM or (in stdio
// mode) the client closing stdin; then drain: refuse new calls, let calls in flight finish up to a
// deadline, answer held calls "restarting, retry", write a final checkpoint and stop every upstream.
import type { Command } from 'commander';
import { parseDuration } from '../core/index.js';
import { log } from '../log.js';
import { readConfig, withConfigOption, type ConfigFlag } from './config-option.js';
import type { Runtime } from './runtime.js';

/** Exit code of a shutdown whose drain deadline passed with calls still in flight. */
export const EXIT_UNCLEAN_DRAIN = 3;

export function registerServe(program: Command): void {
  withConfigOption(program.command('serve'))
    .description('run the gateway: clients connect here instead of to their MCP servers')
    .option('--drain-timeout <duration>', 'how long calls in flight may take to finish at shutdown', '10s')
    .action(async (options: ConfigFlag & { drainTimeout: string }) => {
      const loaded = readConfig(options);
      log.level = loaded.config.log.level;
      // Loaded here, not with the CLI: the gateway's modules cost every other command (such as
      // `ledger verify`, held to 200 MB at a million receipts) some 35 MB.
      const { startRuntime } = await import('./runtime.js');
      const runtime = await startRuntime(loaded, log);
      log.info({ mcp: runtime.gateway.http?.url, admin: runtime.adminUrl, stdio: loaded.config.listen.stdio }, 'toolgate is serving');
      await untilStopped(runtime, parseDuration(options.drainTimeout));
    });
}

async function untilStopped(runtime: Runtime, deadlineMs: number): Promise<void> {
  const reason = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    void runtime.gateway.stdioClosed.then(() => resolve('stdin closed'));
  });
  log.info({ reason }, 'draining: new calls are refused, calls in flight may finish');
  const { clean } = await runtime.shutdown(deadlineMs);
  log.info({ clean }, clean ? 'stopped cleanly' : 'stopped with calls still in flight at the drain deadline');
  log.flush();
  process.exit(clean ? 0 : EXIT_UNCLEAN_DRAIN);
}
