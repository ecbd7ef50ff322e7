// Identical conditions are compiled once and share one program, across rules and across bundles;
// sharing never mixes up what a program depends on (the bundle's path root is in the context).
import { describe, expect, it } from 'vitest';
import { bundleOf, decide } from './helpers.js';

const rule = (id: string) => `  - id: ${id}\n    effect: allow\n    match: { server: fs }\n    when: 'path.within(args.path, "data")'\n`;

describe('compiled conditions', () => {
  it('are shared by rules with the same condition, in one bundle and the next', () => {
    const one = bundleOf(rule('a') + rule('b'));
    expect(one.rules[0]!.when).toBeDefined();
    expect(one.rules[1]!.when).toBe(one.rules[0]!.when);
    expect(bundleOf(rule('c')).rules[0]!.when).toBe(one.rules[0]!.when);
  });

  it('still decide with the path root of their own bundle', () => {
    const srv = bundleOf(rule('a'), { pathRoot: '/srv' });
    const home = bundleOf(rule('a'), { pathRoot: '/home' });
    expect(home.rules[0]!.when).toBe(srv.rules[0]!.when);
    expect(decide(srv, { args: { path: '/srv/data/x' } }).outcome).toBe('permit');
    expect(decide(home, { args: { path: '/srv/data/x' } }).outcome).not.toBe('permit');
    expect(decide(home, { args: { path: 'data/x' } }).outcome).toBe('permit');
  });

  it('are not shared between a condition and a value of the same text', () => {
    const b = bundleOf(
      `  - id: s\n    effect: allow_with_constraints\n    match: { server: fs }\n    when: 'true'\n    constraints: { require: 'true', set: { flag: 'true' } }\n`,
    );
    expect(b.rules[0]!.require).toBe(b.rules[0]!.when);
    expect(b.rules[0]!.set[0]![1]).not.toBe(b.rules[0]!.when);
  });
});
