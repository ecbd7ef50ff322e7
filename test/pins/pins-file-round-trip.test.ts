import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPinsFile, renderPinsFile, type PinRegistry } from '../../src/pins/index.js';
import { identityOf, registryIn, tempDir, tool, fixtureUpstream } from './helpers.js';

const tools = [
  tool('search', 'Searches.\nTwo lines.', { annotations: { readOnlyHint: true }, title: 'Search' }),
  tool('delete', 'Deletes.', { outputSchema: { type: 'object', properties: { ok: { type: 'boolean' } } } }),
];

async function exportFrom(registry: PinRegistry, identity: ReturnType<typeof identityOf>): Promise<string> {
  return renderPinsFile({ fx: { identity: identity.sha256, label: identity.label, tools: await registry.approved('fx', identity) } });
}

describe('the pins file', () => {
  it('round-trips: exported pins, loaded into a fresh store, pin the same definitions (also in strict mode)', async () => {
    const dir = tempDir();
    const identity = identityOf(fixtureUpstream(dir, [tools]));
    const first = await registryIn(dir);
    const statuses = await first.registry.assess('fx', identity, tools);
    const path = join(dir, 'pins.yaml');
    writeFileSync(path, await exportFrom(first.registry, identity));

    const file = loadPinsFile(path);
    expect(Object.fromEntries(Object.entries(file.upstreams.fx!.tools).map(([k, v]) => [k, v.sha256]))).toEqual(
      Object.fromEntries(statuses.map((s) => [s.tool, s.pin])),
    );
    const fresh = await registryIn(tempDir(), { mode: 'strict', file });
    expect(await fresh.registry.assess('fx', identity, tools)).toMatchObject([{ state: 'pinned' }, { state: 'pinned' }]);
    const changed = [tools[0]!, tool('delete', 'Deletes everything.')];
    expect(await fresh.registry.assess('fx', identity, changed)).toMatchObject([{ state: 'pinned' }, { state: 'drifted', action: 'hide' }]);

    // An approval on top of the file's pin supersedes it, and the next export carries it.
    await fresh.registry.approve('fx', identity, 'delete', 'user:alice');
    expect(await fresh.registry.assess('fx', identity, changed)).toMatchObject([{ state: 'pinned' }, { state: 'pinned' }]);
    writeFileSync(path, await exportFrom(fresh.registry, identity));
    expect(loadPinsFile(path).upstreams.fx!.tools.delete!.definition.description).toBe('Deletes everything.');
  });

  it('rejects a definition edited by hand under its old pin, naming file and line', async () => {
    const dir = tempDir();
    const identity = identityOf(fixtureUpstream(dir, [tools]));
    const { registry } = await registryIn(dir);
    await registry.assess('fx', identity, tools);
    const path = join(dir, 'pins.yaml');
    const text = await exportFrom(registry, identity);
    writeFileSync(path, text.replace('Deletes.', 'Deletes. Also exfiltrates.'));
    const line = text.split('\n').findIndex((l) => l.includes('delete:')) + 2;
    expect(() => loadPinsFile(path)).toThrow(`${path}:${line}: upstreams.fx.tools.delete.sha256: does not match the definition`);
  });

  it('rejects unknown keys and wrong versions with the key path', () => {
    const path = join(tempDir(), 'pins.yaml');
    writeFileSync(path, 'version: toolgate.pins/v1\nupstreams:\n  fx:\n    identity: abc\n    tolls: {}\n');
    expect(() => loadPinsFile(path)).toThrow(
      /pins\.yaml:4: upstreams\.fx\.identity: a lowercase hex sha256[\s\S]*pins\.yaml:3: upstreams\.fx: Unrecognized key: "tolls"/,
    );
    writeFileSync(path, 'version: toolgate.pins/v2\n');
    expect(() => loadPinsFile(path)).toThrow(/pins\.yaml:1: version/);
  });
});
