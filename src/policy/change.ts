// What a policy change is, as evidence: the bundle that takes effect, the one it replaces, and
// each file it is made of by the hash of its content (the policy files, and the surface registry
// when there is one), so that a receipt ties every later decision to reviewed files.
import { createHash } from 'node:crypto';
import type { PolicyBundle } from './bundle.js';

/** A reviewer whose signature over the bundle counted (policy.require_signatures): their key and keyring name. */
export interface BundleSigner {
  key_id: string;
  name: string;
}

export interface PolicyChange {
  previous_bundle_sha256: string | null;
  bundle_sha256: string;
  files: Array<{ name: string; sha256: string }>;
  /** The reviewers who signed the bundle; empty while bundles need no signatures. */
  signed_by: BundleSigner[];
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export function policyChangeOf(previous: PolicyBundle | undefined, next: PolicyBundle, signedBy: BundleSigner[] = []): PolicyChange {
  const { files, registry } = next.document;
  return {
    previous_bundle_sha256: previous?.sha256 ?? null,
    bundle_sha256: next.sha256,
    files: [...files, ...(registry ? [registry] : [])].map((f) => ({ name: f.name, sha256: sha256(f.content) })),
    signed_by: signedBy,
  };
}
