import { describe, expect, it } from 'vitest';
import { diffDefinitions } from '../../src/pins/index.js';

const schema = (props: Record<string, unknown>) => ({ type: 'object', properties: props });

describe('the definition diff', () => {
  it('shows changed schema lines with three lines of context, in canonical key order, and skips the rest', () => {
    const many = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`p${String(i).padStart(2, '0')}`, { type: 'string' }]));
    const before = { name: 't', description: 'same', inputSchema: schema(many) };
    const after = { name: 't', description: 'same', inputSchema: schema({ ...many, p05: { type: 'string', default: 'rm -rf /' } }) };
    expect(diffDefinitions(before, after)).toBe(
      [
        '--- approved',
        '+++ presented',
        '@@ inputSchema @@',
        '...',
        '       "type": "string"',
        '     },',
        '     "p05": {',
        '+      "default": "rm -rf /",',
        '       "type": "string"',
        '     },',
        '     "p06": {',
        '...',
      ].join('\n'),
    );
  });

  it('shows a field that appeared, a new tool against nothing, and nothing for equal definitions', () => {
    const before = { name: 't', inputSchema: schema({}) };
    expect(diffDefinitions(before, { ...before, annotations: { destructiveHint: true } })).toContain('@@ annotations @@\n+{\n+  "destructiveHint": true\n+}');
    expect(diffDefinitions(null, { ...before, description: 'new' })).toMatch(/^--- \(not pinned\)\n\+\+\+ presented\n@@ description @@\n\+new/);
    expect(diffDefinitions(before, { ...before })).toBe('');
  });
});
