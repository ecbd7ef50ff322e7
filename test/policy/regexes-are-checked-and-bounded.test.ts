// Regexes in policies: catastrophic patterns refused at load, input bounded at run time.
import { describe, expect, it } from 'vitest';
import { MAX_MATCH_INPUT, regexProblem } from '../../src/policy/index.js';
import { bundleOf, decide, thrown } from './helpers.js';

describe('regex checks at load', () => {
  it.each(['(a+)+$', '(a*)*b', '(x+x+)+y', '([a-z]+)*$', '(a|a)*b', '(a|ab)*c', '(\\w|\\d)+x', '(.*a){20}', '(a|)+', '(\\1)', '(?<n>a)\\k<n>'])(
    'refuses %s',
    (p) => expect(regexProblem(p)).toBeDefined(),
  );

  it.each(['^/srv/[a-z0-9_-]+$', '(^|/)\\.(env|ssh|aws)(/|$)', '^(get|list|search)_[a-z]+$', '\\.env(\\.[a-z]+)?$', '^[0-9]{1,6}$', '(ab|cd)+'])(
    'accepts %s',
    (p) => expect(regexProblem(p)).toBeUndefined(),
  );

  it('names file, line and rule for a dangerous pattern in a policy', () => {
    const msg = thrown(() => bundleOf(`  - id: slow\n    effect: deny\n    match: { server: fs }\n    when: 'args.p.matches("(a+)+$")'\n`));
    expect(msg).toMatch(/^test\.yaml:6: rule "slow": matches\("\(a\+\)\+\$"\): nested quantifiers/);
  });

  it('refuses patterns that are not literals, since they cannot be checked', () => {
    expect(thrown(() => bundleOf(`  - id: dyn\n    effect: deny\n    match: { server: fs }\n    when: 'args.p.matches(args.re)'\n`))).toMatch(/string literal/);
  });

  it('refuses invalid regular expressions', () => {
    expect(thrown(() => bundleOf(`  - id: bad\n    effect: deny\n    match: { server: fs }\n    when: 'args.p.matches("[")'\n`))).toMatch(
      /invalid regular expression/,
    );
  });
});

describe('matching at run time', () => {
  const bundle = bundleOf(`  - id: env\n    effect: deny\n    match: { server: fs }\n    when: 'args.p.matches("\\\\.env$")'\n`);

  it('matches as written', () => {
    expect(decide(bundle, { args: { p: '/a/.env' } }).outcome).toBe('deny');
    expect(decide(bundle, { args: { p: '/a/env' } }).outcome).toBe('silence');
  });

  it('refuses (denies) input longer than the bound instead of scanning it', () => {
    const d = decide(bundle, { args: { p: `${'a'.repeat(MAX_MATCH_INPUT)}x` } });
    expect(d.outcome).toBe('deny');
    expect(d.reason).toMatch(/matches: input longer than/);
    expect(d.reason).not.toMatch(/tgBoundedMatches/);
  });
});
