// Rules speak for MCP methods: a rule that names none speaks for tools/call only (so policies
// written before keep their meaning); resources are matched by URI globs; conditions see `method`
// and `uri`; a rule that names what its methods cannot carry is refused at load.
import { describe, expect, it } from 'vitest';
import { explain, parseFixtureFile, runCase } from '../../src/policy/index.js';
import { callRequest } from '../../src/policy/index.js';
import { bundleOf, decide, thrown } from './helpers.js';

const read = (uri: string) => ({ method: 'resources/read' as const, tool: undefined, uri });

describe('method and uri in rules', () => {
  it('a rule without a method decides tools/call only: a resource read with no rule of its own is SILENCE', () => {
    const bundle = bundleOf('  - id: fs-anything\n    effect: allow\n    match: { server: fs }\n');
    expect(decide(bundle, {}).outcome).toBe('permit');
    const d = decide(bundle, read('file:///etc/passwd'));
    expect(d.outcome).toBe('silence');
    expect(d.reason).toContain('resources/read of file:///etc/passwd');
    expect(decide(bundle, { method: 'prompts/get', tool: 'read_file' }).outcome).toBe('silence');
  });

  it('a URI glob permits the resources under it and nothing else', () => {
    const bundle = bundleOf('  - id: docs\n    effect: allow\n    match: { server: fs, method: resources/read, uri: "file:///srv/docs/**" }\n');
    expect(decide(bundle, read('file:///srv/docs/a/b.md'))).toMatchObject({ outcome: 'permit', rules: ['docs'] });
    expect(decide(bundle, read('file:///srv/docsX/a.md')).outcome).toBe('silence');
    expect(decide(bundle, read('file:///srv/other.md')).outcome).toBe('silence');
    expect(decide(bundle, { ...read('file:///srv/docs/a.md'), method: 'resources/subscribe' }).outcome).toBe('silence');
    expect(decide(bundle, { tool: 'read_file' }).outcome).toBe('silence');
  });

  it('literal URIs, lists of methods, and rules with neither tool nor uri', () => {
    const bundle = bundleOf(`  - id: one-note
    effect: allow
    match: { server: notes, method: [resources/read, resources/subscribe], uri: "note://hello" }
  - id: no-secrets
    effect: deny
    match: { server: notes, method: [resources/read, completion/complete] }
    when: 'uri.contains("secret")'
`);
    expect(decide(bundle, { server: 'notes', ...read('note://hello') }).outcome).toBe('permit');
    expect(decide(bundle, { server: 'notes', method: 'resources/subscribe', uri: 'note://hello' }).outcome).toBe('permit');
    expect(decide(bundle, { server: 'notes', ...read('note://hello2') }).outcome).toBe('silence');
    expect(decide(bundle, { server: 'notes', ...read('note://secret') })).toMatchObject({ outcome: 'deny', rules: ['no-secrets'] });
    expect(decide(bundle, { server: 'notes', method: 'completion/complete', uri: 'note://{secret}' }).outcome).toBe('deny');
  });

  it('prompts and completions are matched by the prompt name in match.tool, with conditions over args', () => {
    const bundle = bundleOf(`  - id: review
    effect: allow
    match: { server: fs, method: [prompts/get, completion/complete], tool: code_review }
    when: 'method == "completion/complete" || args.language in ["ts", "go"]'
`);
    expect(decide(bundle, { method: 'prompts/get', tool: 'code_review', args: { language: 'ts' } }).outcome).toBe('permit');
    expect(decide(bundle, { method: 'prompts/get', tool: 'code_review', args: { language: 'cobol' } }).outcome).toBe('silence');
    expect(decide(bundle, { method: 'completion/complete', tool: 'code_review', args: { argument: { name: 'language', value: 't' } } }).outcome).toBe('permit');
    // A rule that names prompts never applies to a completion of a resource template.
    expect(decide(bundle, { method: 'completion/complete', uri: 'file:///{path}' }).outcome).toBe('silence');
  });

  it('refuses rules that name what their methods cannot carry, and unknown methods', () => {
    expect(thrown(() => bundleOf('  - id: a\n    effect: allow\n    match: { server: fs, method: resources/read, tool: x }\n'))).toMatch(
      /match\.tool does not apply to resources\/read/,
    );
    expect(thrown(() => bundleOf('  - id: b\n    effect: allow\n    match: { server: fs, uri: "file:///**" }\n'))).toMatch(/match\.uri applies to .* only/);
    expect(thrown(() => bundleOf('  - id: c\n    effect: allow\n    match: { server: fs, method: completion/complete, tool: x, uri: y }\n'))).toMatch(
      /either tools/,
    );
    expect(thrown(() => bundleOf('  - id: d\n    effect: allow\n    match: { server: fs, method: resources/list }\n'))).toMatch(/method/);
  });

  it('explain says which rules a resource request passes by, and why', () => {
    const bundle = bundleOf(`  - id: tools
    effect: allow
    match: { server: fs }
  - id: docs
    effect: allow
    match: { server: fs, method: resources/read, uri: "file:///docs/**" }
`);
    const e = explain(bundle, callRequest({ server: 'fs', method: 'resources/read', uri: 'file:///etc/passwd', principal: 'p' }));
    expect(e.rules.map((r) => r.status)).toEqual(['method', 'uri']);
    expect(e.decision.outcome).toBe('silence');
  });

  it('fixture cases can name the method and the uri', () => {
    const bundle = bundleOf('  - id: docs\n    effect: allow\n    match: { server: fs, method: resources/read, uri: "file:///docs/**" }\n');
    const file = parseFixtureFile(
      'f.test.yaml',
      `cases:
  - name: a doc is readable
    call: { server: fs, method: resources/read, uri: "file:///docs/a.md", principal: p }
    expect: { effect: allow, rules: [docs] }
  - name: nothing else
    call: { server: fs, method: resources/read, uri: "file:///etc/passwd", principal: p }
    expect: { effect: silence }
`,
    );
    expect(file.cases.map((c, i) => runCase(bundle, c, i).pass)).toEqual([true, true]);
  });

  it('keeps candidates per method: 10,000 tool rules add nothing to a resource read', () => {
    const filler = Array.from({ length: 10_000 }, (_, i) => `  - id: t${i}\n    effect: allow\n    match: { server: fs, tool: "tool_${i}_*" }\n`).join('');
    const bundle = bundleOf(`${filler}  - id: docs\n    effect: allow\n    match: { server: fs, method: resources/read, uri: "file:///docs/**" }\n`);
    expect(bundle.index.candidates('resources/read', 'fs', 'resources/read', 'file:///docs/a.md').map((r) => r.id)).toEqual(['docs']);
    expect(bundle.index.candidates('tools/call', 'fs', 'tool_42_x').map((r) => r.id)).toEqual(['t42']);
  });
});
