// The engine with real files in a temp folder: reload swaps bundles, a broken reload keeps the old
// one, watching picks up edits, and every bundle in force is archived and can be replayed.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { callRequest, evaluate, loadArchivedBundle, PolicyEngine } from '../../src/policy/index.js';

const log = createLogger({ level: 'silent' });
const policy = (effect: string) => `version: toolgate.policy/v1\nrules:\n  - id: r\n    effect: ${effect}\n    match: { server: fs }\n`;
const call = callRequest({ server: 'fs', tool: 'read_file', principal: 'agent:a' });

let engine: PolicyEngine | undefined;
afterEach(() => engine?.close());

function setup(effect = 'allow') {
  const dir = mkdtempSync(join(tmpdir(), 'tg-reload-'));
  const file = join(dir, 'policy.yaml');
  writeFileSync(file, policy(effect));
  return { dir, file, archiveDir: join(dir, 'archive') };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('PolicyEngine', () => {
  it('reload swaps in the new bundle, and decide uses it', async () => {
    const { file, archiveDir } = setup('allow');
    engine = await PolicyEngine.open({ files: [file], archiveDir, log });
    const first = engine.current.sha256;
    expect(engine.decide(call).outcome).toBe('permit');
    writeFileSync(file, policy('deny'));
    expect(await engine.reload()).toBe(true);
    expect(engine.current.sha256).not.toBe(first);
    expect(engine.decide(call)).toMatchObject({ outcome: 'deny', bundleSha256: engine.current.sha256 });
  });

  it('a broken reload is rejected and the previous bundle stays in force', async () => {
    const { file } = setup('allow');
    const results: unknown[] = [];
    engine = await PolicyEngine.open({ files: [file], log, onReload: (r) => results.push(r) });
    const before = engine.current;
    writeFileSync(file, `${policy('allow')}    when: 'args.x +'\n`);
    expect(await engine.reload()).toBe(false);
    expect(engine.current).toBe(before);
    expect(engine.decide(call).outcome).toBe('permit');
    expect(results).toEqual([{ ok: false, error: expect.objectContaining({ message: expect.stringMatching(/policy\.yaml:6: rule "r": CEL syntax/) }) }]);
  });

  it('a broken policy at startup stops the engine from opening', async () => {
    const { file } = setup('permit');
    await expect(PolicyEngine.open({ files: [file], log })).rejects.toThrow(/policy\.yaml:4: rule "r": rules\[0\]\.effect/);
  });

  it('watch reloads after the file changes', async () => {
    const { file } = setup('allow');
    engine = await PolicyEngine.open({ files: [file], log });
    await engine.watch({ settleMs: 20 });
    writeFileSync(file, policy('deny'));
    await until(() => engine!.decide(call).outcome === 'deny', 'the watched change');
  });

  it('calls in flight during a reload are decided by one bundle or the other, never a mix', async () => {
    const { file } = setup('allow');
    engine = await PolicyEngine.open({ files: [file], log });
    const shas = new Set<string>();
    writeFileSync(file, policy('deny'));
    const reloading = engine.reload();
    for (let i = 0; i < 200; i++) {
      const d = engine.decide(call);
      shas.add(`${d.outcome}:${d.bundleSha256}`);
      await Promise.resolve();
    }
    await reloading;
    for (const s of shas) expect(s === `deny:${engine.current.sha256}` || s.startsWith('permit:')).toBe(true);
  });
});

describe('archive and replay', () => {
  it('archives each bundle by its sha256 and replays the same decision from it', async () => {
    const { file, archiveDir } = setup('allow');
    engine = await PolicyEngine.open({ files: [file], archiveDir, log, pathRoot: '/srv' });
    const old = engine.current.sha256;
    writeFileSync(file, policy('deny'));
    await engine.reload();
    const replayed = await loadArchivedBundle(archiveDir, old);
    expect(replayed.sha256).toBe(old);
    expect(evaluate(replayed, call)).toMatchObject({ outcome: 'permit', bundleSha256: old });
    expect(replayed.path.root).toBe('/srv');
  });

  it('refuses an archive whose content no longer matches its name', async () => {
    const { file, archiveDir } = setup('allow');
    engine = await PolicyEngine.open({ files: [file], archiveDir, log });
    const sha = engine.current.sha256;
    const archived = join(archiveDir, `${sha}.json`);
    writeFileSync(archived, readFileSync(archived, 'utf8').replace('allow', 'deny'));
    await expect(loadArchivedBundle(archiveDir, sha)).rejects.toThrow(/does not hash to/);
    await expect(loadArchivedBundle(archiveDir, 'nope')).rejects.toThrow(/not a bundle sha256/);
  });
});
