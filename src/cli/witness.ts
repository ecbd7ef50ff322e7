// `toolgate witness serve|vkey`: run a witness (C2SP tlog-witness) for toolgate ledgers, or print its
// verifier key. The witness trusts the log keys in its keyring file (re-read per request: add a log's
// new key there when it rotates) and keeps what it cosigned in its state folder.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { log } from '../log.js';
import { Keyring } from '../receipts/index.js';
import { loadOrCreateWitnessKey, Witness, WitnessState, witnessServer } from '../witness/index.js';

function listenAddress(value: string): { host: string; port: number } {
  const m = /^(.+):(\d{1,5})$/.exec(value);
  if (!m || Number(m[2]) > 65535) throw new Error(`--listen takes HOST:PORT, not ${value}`);
  return { host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port: Number(m[2]) };
}

export function registerWitness(program: Command): void {
  const witness = program.command('witness').description('run a witness that cosigns toolgate checkpoints (C2SP tlog-witness)');

  witness
    .command('serve')
    .description('serve add-checkpoint and the latest cosigned checkpoints; refuse any checkpoint that does not extend the last one cosigned')
    .requiredOption('--key <file>', "the witness's key file (created with --name if it does not exist)")
    .requiredOption('--state <dir>', 'where the latest cosigned checkpoint of each log is kept (keep it: a witness that forgets can be rolled back)')
    .option('--listen <host:port>', 'address to listen on', '127.0.0.1:7380')
    .option('--keyring <file>', "the logs' keyring: the toolgate keyrings whose checkpoints it witnesses (default: <state>/keyring.json)")
    .option('--name <name>', "the witness's name in its signature lines, when the key is created (a schema-less URL)")
    .action(async (opts) => {
      const { identity } = loadOrCreateWitnessKey(opts.key, opts.name);
      const state = new WitnessState(opts.state);
      const keyringFile = opts.keyring ?? join(opts.state, 'keyring.json');
      const server = witnessServer(new Witness({ identity, state, trust: () => Keyring.load(keyringFile), log }), log);
      const { host, port } = listenAddress(opts.listen);
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      process.stdout.write(`witness ${identity.name} listening on http://${host.includes(':') ? `[${host}]` : host}:${bound}\nvkey ${identity.vkey}\n`);
      const stop = () => server.close(() => state.release());
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

  witness
    .command('vkey')
    .description("print the witness's verifier key (for toolgate.yaml witnesses[].public_key and the keyring's witnesses)")
    .requiredOption('--key <file>', "the witness's key file")
    .action((opts) => {
      if (!existsSync(opts.key)) throw new Error(`no witness key ${opts.key} (witness serve --key creates one)`);
      process.stdout.write(`${loadOrCreateWitnessKey(opts.key).identity.vkey}\n`);
    });
}
