// The checks every HTTP request passes before it reaches a session: Host and Origin against
// DNS rebinding, and the bearer token that names the principal.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Config } from '../config/index.js';
import type { Principal } from '../core/index.js';

export type Admission = { ok: true; principal: Principal } | { ok: false; status: 401 | 403; message: string };

const ANONYMOUS: Principal = { id: 'anonymous', groups: [] };
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

export function createGuards(config: Config): (req: IncomingMessage) => Admission {
  const http = config.listen.http!;
  const bindName = http.host.includes(':') ? `[${http.host}]` : http.host;
  const hosts = new Set([bindName, ...LOOPBACK_NAMES, ...http.allowed_hosts].map((h) => h.toLowerCase()));
  const origins = new Set(http.allowed_origins.map((o) => o.toLowerCase()));
  const principals = config.principals.map((p) => ({
    principal: { id: p.id, groups: p.groups },
    digest: Buffer.from(p.token_sha256, 'hex'),
  }));

  return (req) => {
    // Untrusted: every header below is the client's.
    const host = (req.headers.host ?? '').toLowerCase();
    const hostName = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
    if (!hosts.has(hostName) && !hosts.has(host))
      return { ok: false, status: 403, message: `Host ${JSON.stringify(host)} is not allowed (add it to listen.http.allowed_hosts)` };
    const origin = req.headers.origin?.toLowerCase();
    if (origin !== undefined && !origins.has(origin) && origin !== `http://${host}`) {
      return { ok: false, status: 403, message: `Origin ${JSON.stringify(origin)} is not allowed (add it to listen.http.allowed_origins)` };
    }
    if (principals.length === 0) return { ok: true, principal: ANONYMOUS };
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!match) return { ok: false, status: 401, message: 'a bearer token is required (Authorization: Bearer <token>)' };
    const digest = createHash('sha256').update(match[1]!).digest();
    let found: Principal | undefined;
    // Compare against every principal, in constant time, so timing reveals nothing about which matched.
    for (const p of principals) if (timingSafeEqual(digest, p.digest)) found = p.principal;
    return found ? { ok: true, principal: found } : { ok: false, status: 401, message: 'the bearer token is not valid' };
  };
}
