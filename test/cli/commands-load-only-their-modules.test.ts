// Each command loads only its own modules: `ledger verify` (held to 200 MB at a million receipts)
// must not carry the gateway, the policy engine, the MCP SDK or the stores. A module hook in the
// real CLI process records every module it resolves. Help still lists every command.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/index.js';
import { loadCurrentSigner } from '../../src/receipts/index.js';
import { requireBuiltCli, toolgate } from '../fixtures/cli.js';
import { draft, silentLog, tempDir } from '../ledger/helpers.js';

/** Runs the CLI with a module hook; resolves with its result and the URLs it resolved. */
async function toolgateRecordingModules(args: string[]): Promise<{ code: number; stdout: string; modules: string[] }> {
  requireBuiltCli();
  const dir = tempDir();
  const loaded = join(dir, 'loaded.txt');
  writeFileSync(loaded, '');
  writeFileSync(
    join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(${JSON.stringify(loaded)}, resolved.url + '\\n');
  return resolved;
}
`,
  );
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`);
  const run = await toolgate(args, { NODE_OPTIONS: `--import=${pathToFileURL(join(dir, 'register.mjs')).href}` });
  return { ...run, modules: readFileSync(loaded, 'utf8').split('\n').filter(Boolean) };
}

describe('the CLI loads only the command it runs', () => {
  it('ledger verify loads the ledger and receipts, not the gateway, policy, stores or the MCP SDK', async () => {
    const base = tempDir();
    const config = join(base, 'toolgate.yaml');
    writeFileSync(config, 'name: cli-gate\nledger: { dir: ./ledger }\nkeys: { dir: ./keys }\n');
    expect((await toolgate(['keys', 'generate', '-c', config])).code).toBe(0);
    const ledger = await Ledger.open({ dir: join(base, 'ledger'), signer: loadCurrentSigner(join(base, 'keys'))!, issuerId: 'cli-gate', log: silentLog });
    for (let i = 0; i < 10; i++) await ledger.append(draft(i));
    await ledger.close();

    const { code, stdout, modules } = await toolgateRecordingModules(['ledger', 'verify', '-c', config]);
    expect(stdout).toMatch(/^ok: 10 receipts/);
    expect(code).toBe(0);
    expect(modules.some((url) => url.includes('/dist/ledger/'))).toBe(true);
    const unneeded = modules.filter((url) =>
      /\/dist\/(gateway|policy|admin|approvals|store|upstream|gate|pins|registry|report|replay)\/|node_modules\/(@modelcontextprotocol|@marcbachmann|lowdb|prom-client)\//.test(
        url,
      ),
    );
    expect(unneeded).toEqual([]);
  });

  it('help still lists every command', async () => {
    const { code, stdout } = await toolgate(['--help']);
    expect(code).toBe(0);
    for (const command of [
      'schema',
      'approvals',
      'serve',
      'init',
      'policy',
      'pins',
      'surfaces',
      'verify',
      'ledger',
      'keys',
      'report',
      'replay',
      'break-glass',
      'witness',
    ])
      expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });
});
