// The pure functions behind the CEL helpers. Argument values are attacker-controlled: every check
// considers each way an upstream might read a path (raw, percent-decoded, backslashes as separators,
// Unicode-compatibility-folded) and passes only when all readings pass.
import { posix } from 'node:path';

/** Thrown for inputs a helper refuses outright; evaluation turns it into a DENY (on_error). */
export class HelperInputError extends Error {}

const MAX_DECODE_ROUNDS = 4;

function percentDecodeOnce(text: string): string {
  return text.replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Decodes %XX repeatedly, so that double encoding (%252e) cannot hide a "..". */
function percentDecode(text: string): string {
  let current = text;
  for (let i = 0; i < MAX_DECODE_ROUNDS; i++) {
    const next = percentDecodeOnce(current);
    if (next === current) return current;
    current = next;
  }
  throw new HelperInputError('path is percent-encoded too many times');
}

/** Printable ASCII without "%" or "\\": every reading of such a path is the path itself. */
const PLAIN = /^[\x20-\x24\x26-\x5b\x5d-\x7e]*$/;

/** Every plausible reading of a path string, most literal first. */
function readings(text: string): string[] {
  if (PLAIN.test(text)) return [text];
  if (text.includes('\0')) throw new HelperInputError('path contains a NUL byte');
  const out = new Set<string>();
  for (const decoded of [text, percentDecode(text)]) {
    for (const folded of [decoded, decoded.normalize('NFKC')]) {
      if (folded.includes('\0')) throw new HelperInputError('path contains a NUL byte');
      out.add(folded);
      out.add(folded.replace(/\\/g, '/'));
    }
  }
  return [...out];
}

/** Forms whose meaning depends on the upstream's platform or shell: never considered inside a root. */
function isAmbiguous(text: string): boolean {
  return /^[A-Za-z]:/.test(text) || text.startsWith('~') || /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text);
}

/** Absolute, no empty, "." or ".." segments, no trailing slash: already what resolve would return. */
const CANONICAL = /^(\/(?!\.\.?(\/|$))[^/]+)+$/;

function resolveLexically(text: string, base: string): string {
  return CANONICAL.test(text) ? text : posix.resolve(base, text);
}

/** The most dangerous reading, resolved against the configured root: decoded, folded, "/" separators. */
export function normalizePath(text: string, base: string): string {
  readings(text); // refuses NUL bytes and runaway encodings
  return resolveLexically(percentDecode(text).normalize('NFKC').replace(/\\/g, '/'), base);
}

function contains(root: string, candidate: string, foldCase: boolean): boolean {
  const r = foldCase ? root.toLowerCase() : root;
  const c = foldCase ? candidate.toLowerCase() : candidate;
  if (r === '/') return c.startsWith('/');
  return c === r || c.startsWith(`${r}/`);
}

/** True only when every reading of `text` lies inside `root` (both resolved against `base`). */
export function pathWithin(text: string, root: string, base: string, foldCase = false): boolean {
  if (text === '') throw new HelperInputError('path is empty');
  const rootPath = resolveLexically(root.replace(/\\/g, '/'), base);
  for (const reading of readings(text)) {
    if (isAmbiguous(reading)) return false;
    if (!contains(rootPath, resolveLexically(reading, base), foldCase)) return false;
  }
  return true;
}

/** WHATWG URL host: lowercase, IDN as punycode, IPv6 brackets and trailing dots removed. */
export function urlHost(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new HelperInputError('not an absolute URL');
  }
  return url.hostname.replace(/^\[|\]$/g, '').replace(/\.+$/, '');
}

export function urlScheme(text: string): string {
  try {
    return new URL(text).protocol.replace(/:$/, '');
  } catch {
    throw new HelperInputError('not an absolute URL');
  }
}

/** The host is the domain itself or one of its subdomains. */
export function hostWithin(text: string, domain: string): boolean {
  const host = urlHost(text);
  const d = domain.toLowerCase().replace(/\.+$/, '');
  return host === d || host.endsWith(`.${d}`);
}

/** Unicode compatibility folding and lower case: fullwidth, ligature and case variants compare equal. */
export function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase().normalize('NFKC');
}
