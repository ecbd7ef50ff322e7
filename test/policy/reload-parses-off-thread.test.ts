// The built engine (dist/) parses reloads in a worker thread and re-parses only changed files;
// the decisions are the same as with the bundle compiled in one go.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
type PolicyModule = typeof import('../../src/policy/index.js');
let dist: PolicyModule;

beforeAll(async () => {
  dist = (await import(join(ROOT, 'dist/policy/index.js'))) as PolicyModule;
});

const file = (id: string, effect: string) =>
  `version: toolgate.policy/v1\nrules:\n  - id: ${id}\n    effect: ${effect}\n    match: { server: fs, tool: ${id} }\n`;

describe('reload in the built engine', () => {
  it('swaps in bundles parsed by the worker, identical to a direct compile', async () => {
    const { createLogger } = (await import(join(ROOT, 'dist/log.js'))) as typeof import('../../src/log.js');
    const dir = mkdtempSync(join(tmpdir(), 'tg-offthread-'));
    writeFileSync(join(dir, 'a.yaml'), file('a', 'allow'));
    writeFileSync(join(dir, 'b.yaml'), file('b', 'allow'));
    const engine = await dist.PolicyEngine.open({ files: [join(dir, '*.yaml')], log: createLogger({ level: 'silent' }) });
    const call = (tool: string) => dist.callRequest({ server: 'fs', tool, principal: 'p' });
    expect(engine.decide(call('b')).outcome).toBe('permit');

    writeFileSync(join(dir, 'b.yaml'), file('b', 'deny'));
    expect(await engine.reload()).toBe(true);
    expect(engine.decide(call('a')).outcome).toBe('permit');
    expect(engine.decide(call('b')).outcome).toBe('deny');
    const direct = dist.compileBundle(await dist.readPolicySources([join(dir, '*.yaml')]));
    expect(engine.current.sha256).toBe(direct.sha256);
    expect(engine.current.rules.map((r) => [r.id, r.line])).toEqual(direct.rules.map((r) => [r.id, r.line]));

    writeFileSync(join(dir, 'b.yaml'), `${file('b', 'deny')}    when: 'args.x >'\n`);
    expect(await engine.reload()).toBe(false);
    expect(engine.decide(call('b')).outcome).toBe('deny');
    engine.close();
  });
});
