import { describe, expect, it } from 'vitest';
import { fixtureUpstream, identityOf, openFixture, registryIn, tempDir, tool } from './helpers.js';

const read = tool('read', 'Reads a file.');
const write = tool('write', 'Writes a file.');

async function listTwice(mode: 'trust-on-first-use' | 'strict') {
  const dir = tempDir();
  const config = fixtureUpstream(dir, [[read], [read, write]]);
  const identity = identityOf(config);
  const { registry, events } = await registryIn(dir, { mode, onDrift: 'hold' });
  const upstream = await openFixture(config);
  try {
    const changed = upstream.changed();
    const first = await registry.assess('fx', identity, await upstream.list());
    await changed;
    const second = await registry.assess('fx', identity, await upstream.list());
    return { registry, identity, events, first, second };
  } finally {
    await upstream.close();
  }
}

describe('a tool that appears after the first pinning', () => {
  it('is pinned automatically in trust-on-first-use mode', async () => {
    const { first, second, events } = await listTwice('trust-on-first-use');
    expect(first).toMatchObject([{ tool: 'read', state: 'new', action: 'expose' }]);
    expect(second).toMatchObject([
      { tool: 'read', state: 'pinned', action: 'expose' },
      { tool: 'write', state: 'new', action: 'expose' },
    ]);
    expect(events).toEqual([]);
  });

  it('is quarantined like a drift in strict mode until a reviewer approves it', async () => {
    const { registry, identity, first, second, events } = await listTwice('strict');
    // The upstream's first sight is pinned even in strict mode: there is nothing to compare with.
    expect(first).toMatchObject([{ tool: 'read', state: 'new', action: 'expose' }]);
    expect(second).toMatchObject([
      { tool: 'read', state: 'pinned', action: 'expose' },
      { tool: 'write', state: 'new', action: 'hold', approvedPin: null },
    ]);
    expect(events).toMatchObject([{ kind: 'drift', tool: 'write', from: null, action: 'hold' }]);

    await registry.approve('fx', identity, 'write', 'user:bob');
    expect(await registry.assess('fx', identity, [read, write])).toMatchObject([
      { tool: 'read', state: 'pinned', action: 'expose' },
      { tool: 'write', state: 'pinned', action: 'expose' },
    ]);
  });
});
