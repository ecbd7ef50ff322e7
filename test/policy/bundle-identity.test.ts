// bundle_sha256 names the policy content (and the path root it is decided with), not where it lives.
import { describe, expect, it } from 'vitest';
import { compileBundle } from '../../src/policy/index.js';

const a = 'version: toolgate.policy/v1\nrules:\n  - id: a\n    effect: allow\n    match: { server: fs }\n';
const b = 'version: toolgate.policy/v1\nrules:\n  - id: b\n    effect: deny\n    match: { server: fs, tool: rm }\n';

describe('bundle_sha256', () => {
  it('does not depend on folders or load order', () => {
    const one = compileBundle([
      { file: '/x/a.yaml', text: a },
      { file: '/x/b.yaml', text: b },
    ]);
    const two = compileBundle([
      { file: '/elsewhere/b.yaml', text: b },
      { file: '/y/a.yaml', text: a },
    ]);
    expect(one.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(two.sha256).toBe(one.sha256);
  });

  it('changes with any byte of content, a file name, or the path root', () => {
    const base = compileBundle([{ file: 'a.yaml', text: a }]).sha256;
    expect(compileBundle([{ file: 'a.yaml', text: `${a} ` }]).sha256).not.toBe(base);
    expect(compileBundle([{ file: 'c.yaml', text: a }]).sha256).not.toBe(base);
    expect(compileBundle([{ file: 'a.yaml', text: a }], { pathRoot: '/srv' }).sha256).not.toBe(base);
  });

  it('refuses a relative path root, which would depend on the working directory', () => {
    expect(() => compileBundle([{ file: 'a.yaml', text: a }], { pathRoot: 'srv' })).toThrow(/must be an absolute path/);
  });
});
