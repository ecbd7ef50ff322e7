// path.within / path.normalize against the usual bypasses, through real compiled CEL rules.
import { describe, expect, it } from 'vitest';
import { bundleOf, decide } from './helpers.js';

const inside = bundleOf(
  `  - id: inside
    effect: allow
    match: { server: fs }
    when: 'path.within(args.path, "/srv/data")'
`,
  { pathRoot: '/srv/data' },
);

const within = (path: unknown) => decide(inside, { args: { path } }).outcome;

describe('path.within', () => {
  it.each(['/srv/data', '/srv/data/a.txt', '/srv/data/sub/../b.txt', '/srv/data//x//y', 'rel/file.txt', './x', '/srv/data/./a'])(
    'permits %s, which stays inside',
    (p) => expect(within(p)).toBe('permit'),
  );

  it.each([
    '/srv/data/../secret',
    '/srv/data/../../etc/passwd',
    '../etc/passwd',
    '/srv/database', // a sibling sharing the prefix
    '/srv/data/%2e%2e/secret',
    '/srv/data/%2E%2E%2Fsecret',
    '/srv/data/%252e%252e/secret', // double encoding
    '/srv/data/..%2fsecret',
    '/srv/data\\..\\..\\etc',
    '/srv/data/\uFF0E\uFF0E/secret', // fullwidth dots fold to ".."
    'C:\\Windows\\system32',
    '~/.ssh/id_rsa',
    'file:///etc/passwd',
    '/SRV/DATA/x', // case-sensitive comparison
  ])('refuses %s', (p) => expect(within(p)).toBe('silence'));

  it.each([42, null, true, ['/srv/data/a'], { p: 1 }])('denies a non-string path (%s) as an evaluation error', (p) => {
    const d = decide(inside, { args: { path: p } });
    expect(d.outcome).toBe('deny');
    expect(d.reason).toMatch(/inside.*could not be evaluated/);
  });

  it('denies a missing argument and a NUL byte, and ignores extra arguments', () => {
    expect(decide(inside, { args: {} }).outcome).toBe('deny');
    expect(decide(inside, { args: { path: '/srv/data/a\u0000/../../x' } }).outcome).toBe('deny');
    expect(decide(inside, { args: { path: '/srv/data/a', extra: '../../etc' } }).outcome).toBe('permit');
  });

  it('resolves relative paths against policy.path_root, not the working directory', () => {
    const rooted = bundleOf(`  - id: r\n    effect: allow\n    match: { server: fs }\n    when: 'path.within(args.path, ".")'\n`, { pathRoot: '/work/space' });
    expect(decide(rooted, { args: { path: 'a/b' } }).outcome).toBe('permit');
    expect(decide(rooted, { args: { path: '../other' } }).outcome).toBe('silence');
    expect(decide(rooted, { args: { path: process.cwd() } }).outcome).toBe(process.cwd().startsWith('/work/space') ? 'permit' : 'silence');
  });

  it('withinIgnoreCase folds case for case-insensitive filesystems', () => {
    const b = bundleOf(`  - id: deny-ssh\n    effect: deny\n    match: { server: fs }\n    when: 'path.withinIgnoreCase(args.path, "/home/u/.ssh")'\n`);
    expect(decide(b, { args: { path: '/home/u/.SSH/id_rsa' } }).outcome).toBe('deny');
    expect(decide(b, { args: { path: '/home/u/notes' } }).outcome).toBe('silence');
  });
});

describe('path.normalize', () => {
  const b = bundleOf(
    `  - id: secrets
    effect: deny
    match: { server: fs }
    when: 'text.fold(path.normalize(args.path)).matches("(^|/)\\\\.env$")'
`,
    { pathRoot: '/app' },
  );

  it.each(['/app/.env', '.env', '/app/x/../.env', '/app/.ENV', '/app/%2eenv', 'sub\\..\\.env', '/app/\uFF0Eenv'])('finds .env in %s', (p) => {
    expect(decide(b, { args: { path: p } }).outcome).toBe('deny');
  });

  it('leaves other files alone', () => expect(decide(b, { args: { path: '/app/.envrc.md' } }).outcome).toBe('silence'));
});
