// url.* and text.* helpers against mixed case, trailing dots, look-alikes and junk input.
import { describe, expect, it } from 'vitest';
import { bundleOf, decide } from './helpers.js';

const hostRule = bundleOf(`  - id: internal
    effect: deny
    match: { server: web }
    when: 'url.host(args.url) == "internal.example.com" || url.hostWithin(args.url, "corp.example")'
`);
const fetchOutcome = (url: unknown) => decide(hostRule, { server: 'web', tool: 'fetch', args: { url } }).outcome;

describe('url.host and url.hostWithin', () => {
  it.each([
    'https://internal.example.com/x',
    'https://INTERNAL.Example.COM/x',
    'https://internal.example.com./x', // trailing dot
    'https://internal.example.com:8443/x',
    'https://user:pw@internal.example.com/',
    'https://a.b.corp.example/x',
    'https://corp.example',
    'https://CORP.EXAMPLE../',
  ])('recognises %s', (u) => expect(fetchOutcome(u)).toBe('deny'));

  it.each([
    'https://internal.example.com.evil.net/',
    'https://evil.net/internal.example.com',
    'https://notcorp.example/',
    'https://evil.net/?u=https://internal.example.com',
  ])('is not fooled by %s', (u) => expect(fetchOutcome(u)).toBe('silence'));

  it.each(['not a url', '//internal.example.com/x', 42, ''])('denies unparseable input %s', (u) => expect(fetchOutcome(u)).toBe('deny'));

  it('turns look-alike (IDN) hosts into punycode, so they do not equal the ASCII name', () => {
    // Cyrillic "е" in "intеrnal": a different host, which must not be treated as the real one.
    expect(fetchOutcome('https://int\u0435rnal.example.com/')).toBe('silence');
  });
});

describe('text.fold and text.equalsFold', () => {
  const b = bundleOf(`  - id: no-admin
    effect: deny
    match: { server: users }
    when: 'text.equalsFold(args.role, "admin") || text.fold(args.role).contains("root")'
`);
  const role = (r: unknown) => decide(b, { server: 'users', tool: 'set_role', args: { role: r } }).outcome;

  it.each(['admin', 'ADMIN', 'Admin', '\uFF41\uFF44\uFF4D\uFF49\uFF4E', 'superROOT', '\u24E1oot'])('catches %s', (r) => expect(role(r)).toBe('deny'));
  it('lets other roles through to the other rules', () => expect(role('reader')).toBe('silence'));
  it('denies a role of the wrong type', () => expect(role(['admin'])).toBe('deny'));
});
