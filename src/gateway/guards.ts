// The checks every HTTP request passes before it reaches a session, from the HTTP edge: Host and
// Origin against DNS rebinding, and the bearer token that names the principal.
import type { IncomingMessage } from 'node:http';
import type { Config } from '../config/index.js';
import type { Principal } from '../core/index.js';
import { bearerToken, hostGuard, HttpError, TokenTable } from '../http/index.js';

const ANONYMOUS: Principal = { id: 'anonymous', groups: [] };

/** The principal a request acts for; throws the HttpError that refuses it. */
export function createGuards(config: Config): (req: IncomingMessage) => Principal {
  const http = config.listen.http!;
  const checkHost = hostGuard({ bind: http.host, allowed_hosts: http.allowed_hosts, allowed_origins: http.allowed_origins, configKey: 'listen.http' });
  const principals = new TokenTable(config.principals.map((p) => ({ token_sha256: p.token_sha256, holder: { id: p.id, groups: p.groups } })));

  return (req) => {
    checkHost(req);
    if (principals.size === 0) return ANONYMOUS;
    const token = bearerToken(req);
    if (token === undefined) throw new HttpError('unauthorized', 'a bearer token is required (Authorization: Bearer <token>)');
    const principal = principals.find(token);
    if (!principal) throw new HttpError('unauthorized', 'the bearer token is not valid');
    return principal;
  };
}
