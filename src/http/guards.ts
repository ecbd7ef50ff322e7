// Host and Origin checks against DNS rebinding, the same for every listener. A browser tricked
// into calling a local port sends the attacker's host name (refused), and its Origin is the
// attacker's page (refused). One rule for names: lowercase, IPv6 without brackets, no port.
import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors.js';

export interface HostRules {
  /** The address the listener is bound to; a wildcard address is never a Host name. */
  bind: string;
  allowed_hosts: string[];
  allowed_origins: string[];
  /** Where the lists live in the config, named in refusals (e.g. `listen.http`). */
  configKey: string;
}

const LOOPBACK = ['localhost', '127.0.0.1', '::1'];
const WILDCARD = new Set(['0.0.0.0', '::']);

/**
 * The name in a Host header value (or a configured host): lowercase, IPv6 without its brackets,
 * without the port. A bare IPv6 literal (`::1`) cannot carry a port, so all of it is the name.
 * Untrusted input; a malformed value gives a name that matches nothing.
 */
export function hostName(value: string): string {
  const host = value.trim().toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end > 0 && /^(:\d*)?$/.test(host.slice(end + 1)) ? host.slice(1, end) : host;
  }
  if (host.indexOf(':') !== host.lastIndexOf(':')) return host;
  return host.replace(/:\d*$/, '');
}

/** A check of a request's Host and Origin headers; throws the refusal. */
export function hostGuard(rules: HostRules): (req: IncomingMessage) => void {
  const bind = hostName(rules.bind);
  const names = new Set([...LOOPBACK, ...rules.allowed_hosts.map(hostName)]);
  if (!WILDCARD.has(bind)) names.add(bind);
  for (const wildcard of WILDCARD) names.delete(wildcard);
  const origins = new Set(rules.allowed_origins.map((o) => o.toLowerCase()));

  return (req) => {
    // Untrusted: both headers are the client's.
    const host = (req.headers.host ?? '').toLowerCase();
    if (!names.has(hostName(host))) {
      throw new HttpError('host_not_allowed', `Host ${JSON.stringify(host)} is not allowed (add it to ${rules.configKey}.allowed_hosts)`);
    }
    const origin = req.headers.origin?.toLowerCase();
    if (origin === undefined || origins.has(origin) || origin === `http://${host}` || origin === `https://${host}`) return;
    throw new HttpError('origin_not_allowed', `Origin ${JSON.stringify(origin)} is not allowed (add it to ${rules.configKey}.allowed_origins)`);
  };
}
