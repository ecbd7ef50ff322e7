// Shared setup for the pins tests: a temporary folder, the fixture upstream (test/fixtures/pins-server.js)
// driven by a JSON file of tool lists, a real lowdb store (closed after the test) and a registry over it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { StdioUpstreamConfig } from '../../src/config/index.js';
import { identityOf, openToolLister, PinRegistry, pinStoreOn, type PinEvent, type PinsFile, type ToolLister } from '../../src/pins/index.js';
import { lowdbStore } from '../fixtures/stores.js';

export const FIXTURE = resolve('test/fixtures/pins-server.js');

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'toolgate-pins-'));
}

export const tool = (name: string, description: string, extra: Record<string, unknown> = {}) => ({
  name,
  description,
  inputSchema: { type: 'object', properties: { text: { type: 'string' } } },
  ...extra,
});

/** A stdio upstream config that serves `lists` (the n-th tools/list answers lists[n]). */
export function fixtureUpstream(dir: string, lists: unknown[][], file = 'tools.json'): StdioUpstreamConfig {
  const spec = join(dir, file);
  writeFileSync(spec, JSON.stringify({ lists }));
  return { command: process.execPath, args: [FIXTURE, spec], env: {}, timeout: '20s', disabled: false, session: 'shared' };
}

export async function openFixture(config: StdioUpstreamConfig): Promise<ToolLister & { changed(): Promise<void> }> {
  const lister = await openToolLister('fx', config);
  let wake: () => void = () => undefined;
  lister.onListChanged(() => wake());
  return { ...lister, changed: () => new Promise<void>((r) => (wake = r)) };
}

export async function registryIn(
  dir: string,
  options: { mode?: 'trust-on-first-use' | 'strict'; onDrift?: 'hide' | 'hold' | 'deny'; file?: PinsFile } = {},
): Promise<{ registry: PinRegistry; events: PinEvent[] }> {
  const store = await lowdbStore(join(dir, 'state.json'));
  const registry = new PinRegistry({
    store: pinStoreOn(store),
    mode: options.mode ?? 'trust-on-first-use',
    onDrift: options.onDrift ?? 'hide',
    file: options.file,
  });
  const events: PinEvent[] = [];
  registry.subscribe((e) => events.push(e));
  return { registry, events };
}

export { identityOf };
