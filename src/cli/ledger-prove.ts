// `toolgate ledger prove ID`: an inclusion proof against the latest checkpoint. A receipt newer than
// it is proved at once when a reviewer token is given (--token or TOOLGATE_TOKEN): the running
// gateway is asked through its admin API to write a checkpoint now (POST /api/ledger/checkpoint).
// Otherwise --wait waits for the next checkpoint, and without it the command says both ways.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { LedgerError, prove, type InclusionProof } from '../ledger/index.js';
import { call } from './approvals.js';
import { hasConfig, readConfig, type ConfigFlag } from './config-option.js';
import { ledgerDirOf, withLocation } from './ledger-location.js';

interface ProveOptions extends ConfigFlag {
  dir?: string;
  output?: string;
  wait?: number | true;
  url?: string;
  token?: string;
}

const isNewer = (err: unknown): err is LedgerError => err instanceof LedgerError && err.code === 'not_checkpointed';

/** prove(), retried while the receipt waits for a checkpoint, for up to `seconds`. */
async function proveWaiting(dir: string, id: string, seconds: number): Promise<InclusionProof> {
  const deadline = Date.now() + seconds * 1000;
  for (let told = false; ; told = true) {
    try {
      return await prove(dir, id);
    } catch (err) {
      if (!isNewer(err) || Date.now() >= deadline) throw err;
      if (!told) process.stderr.write(`toolgate: ${err.message}\ntoolgate: waiting up to ${seconds}s for a checkpoint that covers it...\n`);
      await sleep(500);
    }
  }
}

/** The admin API of the gateway that writes this ledger: --url, TOOLGATE_ADMIN_URL, the config's admin listener, or the default. */
function adminUrlOf(opts: ProveOptions): string {
  const admin = !opts.url && !process.env.TOOLGATE_ADMIN_URL && hasConfig(opts) ? readConfig(opts).config.admin : undefined;
  return (opts.url ?? process.env.TOOLGATE_ADMIN_URL ?? (admin ? `http://${admin.host}:${admin.port}` : 'http://127.0.0.1:8081')).replace(/\/+$/, '');
}

/** Ask the running gateway for a checkpoint now, then prove against it. */
async function proveAfterCheckpoint(dir: string, id: string, opts: ProveOptions, token: string, newer: LedgerError): Promise<InclusionProof> {
  const url = adminUrlOf(opts);
  const { size } = (await call({ url, token }, 'POST', '/api/ledger/checkpoint', {})) as { size: number };
  process.stderr.write(`toolgate: ${newer.message}\ntoolgate: asked the gateway for a checkpoint: it covers ${size} receipts\n`);
  return prove(dir, id);
}

async function proveFresh(dir: string, id: string, opts: ProveOptions): Promise<InclusionProof> {
  try {
    return await prove(dir, id);
  } catch (err) {
    if (!isNewer(err)) throw err;
    const token = opts.token ?? process.env.TOOLGATE_TOKEN;
    if (token) return proveAfterCheckpoint(dir, id, opts, token, err);
    if (opts.wait !== undefined) return proveWaiting(dir, id, opts.wait === true ? 120 : opts.wait);
    throw new LedgerError(
      'not_checkpointed',
      `${err.message}. Ask the running gateway for one now: add --token <reviewer token> (and --url <admin API URL> unless it is the config's admin listener), ` +
        'which calls POST /api/ledger/checkpoint; or wait for the next with --wait [seconds]',
    );
  }
}

export function registerLedgerProve(ledger: Command): void {
  withLocation(ledger.command('prove <id>').description('write an inclusion proof for receipt <id> (check it with "toolgate verify --proof")'))
    .option('-o, --output <file>', 'write the proof here instead of stdout')
    .option('--wait [seconds]', 'when the receipt is newer than the latest checkpoint, wait up to this long (default 120) for one that covers it', (v) =>
      Number(v),
    )
    .option('--url <url>', "the running gateway's admin API (env TOOLGATE_ADMIN_URL; default: the config's admin listener, else http://127.0.0.1:8081)")
    .option('--token <token>', 'a reviewer token (env TOOLGATE_TOKEN): with it, a receipt newer than the latest checkpoint gets one written now')
    .action(async (id: string, opts: ProveOptions) => {
      const proof = await proveFresh(ledgerDirOf(opts), id, opts);
      const text = `${JSON.stringify(proof, null, 2)}\n`;
      if (opts.output) writeFileSync(opts.output, text);
      else process.stdout.write(text);
    });
}
