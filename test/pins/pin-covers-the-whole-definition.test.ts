// The pin covers the whole definition the upstream sent: a change of any field (execution, icons,
// _meta, or one MCP adds later) is a drift, and the pinned definition is the one clients are shown.
import { expect, test } from 'vitest';
import { vetTools } from '../../src/pins/vet.js';

const base = { name: 'search', description: 'search the index', inputSchema: { type: 'object' } };
const pinOf = (tool: Record<string, unknown>) => vetTools([tool])[0]!.pin;

test.each([
  ['execution', { taskSupport: 'required' }],
  ['icons', [{ src: 'https://example.com/a.png' }]],
  ['_meta', { 'example.com/ui': { resourceUri: 'ui://search' } }],
  ['laterField', { any: 'value' }],
])('a tool whose %s changes has another pin', (field, value) => {
  expect(pinOf({ ...base, [field]: value })).not.toBe(pinOf(base));
  expect(vetTools([{ ...base, [field]: value }])[0]!.definition).toEqual({ ...base, [field]: value });
});

test('the vetted fields are still bounded: the shown and pinned description has no invisible characters', () => {
  const [vetted] = vetTools([{ ...base, description: 'se\u200barch', _meta: { a: 1 } }]);
  expect(vetted!.definition).toEqual({ ...base, description: 'search', _meta: { a: 1 } });
});
