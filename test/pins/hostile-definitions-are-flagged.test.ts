import { describe, expect, it } from 'vitest';
import { MAX_DESCRIPTION_BYTES, vetTools } from '../../src/pins/index.js';
import { fixtureUpstream, identityOf, openFixture, registryIn, tempDir, tool } from './helpers.js';

const hostile = [
  tool('good', 'A plain tool.'),
  tool('bad_schema', 'Its schema is not JSON Schema.', { inputSchema: { type: 'object', properties: { x: { type: 'no-such-type' } } } }),
  tool('not_object_schema', 'Its input is a string.', { inputSchema: { type: 'string' } }),
  tool('remote_ref', 'Its schema points elsewhere.', { inputSchema: { type: 'object', properties: { x: { $ref: 'https://evil.example/s.json' } } } }),
  tool('zero\u200bwidth', 'A name with a zero-width space.'),
  tool('bidi\u202eevil', 'A name with a right-to-left override.'),
  tool('huge', 'é'.repeat(MAX_DESCRIPTION_BYTES)),
  tool('tagged', 'Harmless.\u{E0049}\u{E0067}\u{E006E}\u{E006F}\u{E0072}\u{E0065}'),
  tool('good', 'A second tool named good.'),
  'not a tool',
  { description: 'no name' },
];

describe('tool definitions an upstream should not send', () => {
  it('are flagged without throwing, and only the harmless remainder is exposed', async () => {
    const dir = tempDir();
    const config = fixtureUpstream(dir, [hostile]);
    const { registry } = await registryIn(dir);
    const upstream = await openFixture(config);
    let statuses;
    try {
      statuses = await registry.assess('fx', identityOf(config), await upstream.list());
    } finally {
      await upstream.close();
    }
    const summary = statuses.map((s) => [s.tool, s.action, s.flags.map((f) => f.code).join(',')]);
    expect(summary).toEqual([
      ['good', 'expose', ''],
      ['bad_schema', 'hide', 'schema_invalid'],
      ['not_object_schema', 'hide', 'schema_invalid'],
      ['remote_ref', 'hide', 'schema_invalid'],
      ['zero\\u{200b}width', 'hide', 'name_invalid'],
      ['bidi\\u{202e}evil', 'hide', 'name_invalid'],
      ['huge', 'expose', 'description_truncated'],
      ['tagged', 'expose', 'invisible_chars_removed'],
      ['good', 'hide', 'duplicate_name'],
      ['#9', 'hide', 'malformed'],
      ['#10', 'hide', 'malformed'],
    ]);
    expect(statuses.filter((s) => s.action === 'hide').every((s) => s.state === 'invalid' && s.pin === null)).toBe(true);
    const huge = statuses.find((s) => s.tool === 'huge')!;
    expect(Buffer.byteLength(huge.definition!.description!)).toBe(MAX_DESCRIPTION_BYTES); // two-byte characters, cut whole
    expect(statuses.find((s) => s.tool === 'tagged')!.definition!.description).toBe('Harmless.');
  });

  it('include a later tool reusing the name of an earlier invalid one, which is hidden as a duplicate', () => {
    const vetted = vetTools([tool('x', 'first', { inputSchema: { type: 'string' } }), tool('x', 'second')]);
    expect(vetted.map((v) => [v.invalid, v.flags.map((f) => f.code)])).toEqual([
      [true, ['schema_invalid']],
      [true, ['duplicate_name']],
    ]);
  });

  it('survives values that are not JSON at all', () => {
    const cyclic: Record<string, unknown> = { type: 'object' };
    cyclic.self = cyclic;
    const deep = JSON.parse(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`);
    const vetted = vetTools([
      tool('cyclic', 'x', { inputSchema: cyclic }),
      tool('deep', 'x', { annotations: deep }),
      tool('infinite', 'x', { annotations: { n: Infinity } }),
      null,
    ]);
    expect(vetted.map((v) => [v.name, v.invalid])).toEqual([
      ['cyclic', true],
      ['deep', true],
      ['infinite', true],
      ['#3', true],
    ]);
  });
});
