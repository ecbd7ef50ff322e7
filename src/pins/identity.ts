// The identity a pin set is bound to, and that the receipts of a call name as `call.upstream_sha256`
// (docs/receipts.md §1.3): the configured command and arguments of a stdio upstream, or the URL of an HTTP one. Pointing an upstream name at another server changes the identity, so the
// new server inherits none of the old one's pins. The working folder and environment are left out:
// a pins file committed to a repository must stay valid in every checkout, and env holds secrets.
import { isStdioUpstream, type UpstreamConfig } from '../config/index.js';
import { canonicalJson, sha256Hex } from '../receipts/index.js';

export interface UpstreamIdentity {
  /** sha256 hex of the canonical identity; the key of the upstream's pin set. */
  sha256: string;
  /** A label safe to print and commit: the command without its arguments, or the URL without credentials or query. */
  label: string;
}

export function identityOf(config: UpstreamConfig): UpstreamIdentity {
  if (isStdioUpstream(config)) {
    return {
      sha256: sha256Hex(canonicalJson({ kind: 'stdio', command: config.command, args: config.args })),
      label: `stdio: ${config.command} (+${config.args.length} args)`,
    };
  }
  const url = new URL(config.url);
  const label = `http: ${url.protocol}//${url.host}${url.pathname}`;
  return { sha256: sha256Hex(canonicalJson({ kind: 'http', url: url.href })), label };
}
