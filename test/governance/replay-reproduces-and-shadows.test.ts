// Replay over a real ledger, real encrypted evidence and a real archived bundle: every decision
// reproduces on the unchanged bundle; a receipt that disagrees is flagged; a candidate bundle shows
// exactly the calls it would change; an archive that no longer hashes to its name is reported.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvidenceStore } from '../../src/evidence/index.js';
import { compileBundle } from '../../src/policy/index.js';
import { replay } from '../../src/replay/index.js';
import { tempDir } from './helpers.js';
import { CANDIDATE, recordCalls } from './recorded-calls.js';

describe('replay', () => {
  it('reproduces every decision against the archived bundle', async () => {
    const { options } = await recordCalls(tempDir());
    const result = await replay(options);
    expect(result).toMatchObject({ mode: 'reproduce', considered: 6, with_evidence: 6, sampled: 6, same: 6, differences: [], problems: [] });
  });

  it('flags a receipt whose recorded decision does not reproduce', async () => {
    const { options } = await recordCalls(tempDir(), (i, effect) => (i === 2 ? 'permit' : effect));
    const result = await replay(options);
    expect(result.same).toBe(5);
    expect(result.differences).toHaveLength(1);
    expect(result.differences[0]).toMatchObject({ call_id: 'call_2', recorded: { effect: 'permit' }, replayed: { effect: 'deny', rules: ['no-secrets'] } });
  });

  it('shows what a candidate bundle would change, and only that', async () => {
    const { options } = await recordCalls(tempDir());
    const candidate = compileBundle([{ file: 'policy.yaml', text: CANDIDATE }]);
    const result = await replay({ ...options, candidate });
    expect(result.mode).toBe('shadow');
    expect(result.same).toBe(5);
    expect(result.differences.map((d) => [d.call_id, d.recorded.effect, d.replayed.effect, d.replayed.rules])).toEqual([
      ['call_1', 'permit', 'deny', ['no-secrets']],
    ]);
  });

  it('reports an archived bundle that no longer hashes to its name instead of replaying it', async () => {
    const { bundle, archiveDir, options } = await recordCalls(tempDir());
    const file = join(archiveDir, `${bundle.sha256}.json`);
    writeFileSync(file, readFileSync(file, 'utf8').replace('effect: deny', 'effect: allow'));
    const result = await replay(options);
    expect(result.same).toBe(0);
    expect(result.problems).toHaveLength(6);
    expect(result.problems[0]!.problem).toMatch(/does not hash to/);
  });

  it('samples a repeatable subset of the calls that have evidence', async () => {
    const dir = tempDir();
    const { options } = await recordCalls(dir);
    const a = await replay({ ...options, sample: 3 });
    const b = await replay({ ...options, sample: 3 });
    expect(a.sampled).toBe(3);
    expect(a.same).toBe(3);
    expect(a).toEqual(b);
    mkdirSync(join(dir, 'empty-evidence'));
    const none = await replay({
      ...options,
      evidence: new EvidenceStore({ dir: join(dir, 'empty-evidence'), keyFile: join(dir, 'keys', 'evidence.key'), retentionMs: 1 }),
    });
    expect(none).toMatchObject({ considered: 6, with_evidence: 0, sampled: 0 });
  });
});
