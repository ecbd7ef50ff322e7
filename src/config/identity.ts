// Principal and reviewer ids in one canonical form, fixed at config load, so that every comparison
// (self-approval, one vote per reviewer, quorum, break-glass) is a plain equality and no spelling
// makes one person two identities. The form: `<kind>:<name>`, lower-case ASCII; an id written
// without a kind is a user ("Alice" is "user:alice"). `group:` names groups, never a person.
import { z } from 'zod';

const KIND = /^[a-z][a-z0-9-]*:/;
const CANONICAL = /^[a-z][a-z0-9-]*:[a-z0-9._@+/:-]+$/;

/** The canonical form of an id: lower-case, `user:` added when no kind is given. Total, for ids of any origin. */
export function canonicalId(id: string): string {
  const lower = id.toLowerCase();
  return KIND.test(lower) ? lower : `user:${lower}`;
}

/** Whether two ids, canonical or not (records written before canonical ids), name one identity. */
export function sameIdentity(a: string, b: string): boolean {
  return canonicalId(a) === canonicalId(b);
}

/** An id as written in the config or an API body; parses to its canonical form. */
export const IdentitySchema = z
  .string()
  .min(1)
  .max(256)
  .transform(canonicalId)
  .refine((id) => CANONICAL.test(id), 'an id such as user:alice or agent:ci: letters, digits and . _ @ + / : - (case does not matter)')
  .refine((id) => !id.startsWith('group:'), '"group:" names a group, not a principal or reviewer');
