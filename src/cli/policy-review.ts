// Signed policy bundles (docs/policies.md, "Signed bundles"): the review statement a reviewer signs,
// its DSSE signature file, the reviewer keyring, and the check that counts which signatures over a
// bundle stand. It lives with the commands because it joins two areas of one layer: the bundle
// (policy) and ed25519/DSSE (receipts); `toolgate serve` plugs it into the engine's review seam.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { canonicalJson } from '../core/index.js';
import { PolicyError, SIGNATURE_SUFFIX, type BundleSigner, type PolicyChange } from '../policy/index.js';
import { assertStrictPublicKey, EnvelopeSchema, KEY_ID_PATTERN, keyIdOf, pae, verifySignature, type Signer } from '../receipts/index.js';

export const REVIEW_MEDIA_TYPE = 'application/vnd.toolgate.policy-review.v1+json';
export const REVIEW_TYPE = 'toolgate.policy-review/v1';
export const REVIEWER_KEYRING_VERSION = 'toolgate.reviewer-keyring/v1';

const keyId = z.string().regex(KEY_ID_PATTERN, 'ed25519:<16 hex digits>');
const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'lowercase hex sha256');

export const ReviewerEntrySchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._@:-]{1,64}$/, '1 to 64 of A-Z a-z 0-9 . _ @ : -'),
  key_id: keyId,
  /** base64 of the raw 32-byte public key. */
  public_key: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'base64 of 32 bytes'),
});
export type ReviewerEntry = z.infer<typeof ReviewerEntrySchema>;

export const ReviewerKeyringSchema = z.strictObject({ version: z.literal(REVIEWER_KEYRING_VERSION), reviewers: z.array(ReviewerEntrySchema).max(1000) });

const StatementSchema = z.strictObject({
  type: z.literal(REVIEW_TYPE),
  bundle_sha256: hex64,
  files: z.array(z.strictObject({ name: z.string(), sha256: hex64 })).max(10_000),
  key_id: keyId,
  signed_at: z.iso.datetime(),
});

const ReviewEnvelopeSchema = EnvelopeSchema.extend({ payloadType: z.literal(REVIEW_MEDIA_TYPE) });

/** What a signature is over: the bundle and its files, as the policy_change receipt names them. */
export type ReviewedBundle = Pick<PolicyChange, 'bundle_sha256' | 'files'>;

interface ReviewerKey {
  name: string;
  publicKey: Uint8Array;
}

/** The reviewer keyring, checked (unique names and key ids, ids that match their strict public keys), by key id. */
export type ReviewerKeyring = ReadonlyMap<string, ReviewerKey>;

/** Untrusted input (a file from disk, YAML or JSON); every problem is a PolicyError naming the file. */
export function parseReviewerKeyring(file: string, text: string): ReviewerKeyring {
  const fail = (what: string): never => {
    throw new PolicyError('policy_unreadable', [`${file}: ${what}`]);
  };
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    fail(`not YAML or JSON: ${(err as Error).message}`);
  }
  const parsed = ReviewerKeyringSchema.safeParse(raw);
  if (!parsed.success) fail(z.prettifyError(parsed.error).replaceAll('\n', ' '));
  const byId = new Map<string, ReviewerKey>();
  const names = new Set<string>();
  for (const [i, r] of parsed.data!.reviewers.entries()) {
    const at = `reviewers[${i}] (${r.name})`;
    const publicKey = new Uint8Array(Buffer.from(r.public_key, 'base64'));
    try {
      assertStrictPublicKey(publicKey);
    } catch (err) {
      fail(`${at}: ${(err as Error).message}`);
    }
    if (keyIdOf(publicKey) !== r.key_id) fail(`${at}: key_id does not match the public key (expected ${keyIdOf(publicKey)})`);
    if (byId.has(r.key_id)) fail(`${at}: key ${r.key_id} is listed twice`);
    if (names.has(r.name)) fail(`${at}: the name ${r.name} is listed twice (one reviewer, one key)`);
    byId.set(r.key_id, { name: r.name, publicKey });
    names.add(r.name);
  }
  return byId;
}

export async function readReviewerKeyring(file: string): Promise<ReviewerKeyring> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new PolicyError('policy_unreadable', [`${file}: cannot read the reviewer keyring: ${(err as Error).message}`], { cause: err });
  }
  return parseReviewerKeyring(file, text);
}

/** The signature file text (a DSSE envelope, pretty-printed JSON) of `signer` over the bundle. */
export function signReview(bundle: ReviewedBundle, signer: Signer, now: Date): string {
  const statement = { type: REVIEW_TYPE, bundle_sha256: bundle.bundle_sha256, files: bundle.files, key_id: signer.keyId, signed_at: now.toISOString() };
  const payload = Buffer.from(canonicalJson(statement)!, 'utf8');
  const sig = signer.sign(pae(REVIEW_MEDIA_TYPE, payload));
  const envelope = {
    payloadType: REVIEW_MEDIA_TYPE,
    payload: payload.toString('base64'),
    signatures: [{ keyid: signer.keyId, sig: Buffer.from(sig).toString('base64') }],
  };
  return `${JSON.stringify(envelope, null, 2)}\n`;
}

/** The file name `policy sign` gives a key's signature: one per key, so signing again replaces it. */
export const signatureFileName = (id: string) => `${id.replace(':', '-')}${SIGNATURE_SUFFIX}`;

type Verdict = { ok: true; key_id: string; name: string; signed_at: string } | { ok: false; why: string };

/** Untrusted input (a signature file): each check returns why it fails, in the order docs/policies.md lists them. */
export function checkSignature(text: string, bundle: ReviewedBundle, keyring: ReviewerKeyring): Verdict {
  const no = (why: string): Verdict => ({ ok: false, why });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return no('not JSON');
  }
  const envelope = ReviewEnvelopeSchema.safeParse(json);
  if (!envelope.success) return no(`not a policy review envelope: ${z.prettifyError(envelope.error).replaceAll('\n', ' ')}`);
  const { keyid, sig } = envelope.data.signatures[0]!;
  const reviewer = keyring.get(keyid);
  if (!reviewer) return no(`key ${keyid} is not in the keyring`);
  const payload = Buffer.from(envelope.data.payload, 'base64');
  if (!verifySignature(Buffer.from(sig, 'base64'), pae(REVIEW_MEDIA_TYPE, payload), reviewer.publicKey))
    return no(`the signature of ${reviewer.name} (${keyid}) does not verify`);
  let statementJson: unknown;
  try {
    statementJson = JSON.parse(payload.toString('utf8'));
  } catch {
    return no('the payload is not JSON');
  }
  if (canonicalJson(statementJson) !== payload.toString('utf8')) return no('the payload is not canonical JSON (RFC 8785)');
  const statement = StatementSchema.safeParse(statementJson);
  if (!statement.success) return no(`not a review statement: ${z.prettifyError(statement.error).replaceAll('\n', ' ')}`);
  const s = statement.data;
  if (s.key_id !== keyid) return no(`the statement names key ${s.key_id}, the envelope ${keyid}`);
  if (s.bundle_sha256 !== bundle.bundle_sha256) return no(`${reviewer.name} signed another bundle (${s.bundle_sha256})`);
  if (canonicalJson(s.files) !== canonicalJson(bundle.files)) return no(`${reviewer.name} signed other files under this bundle's sha256`);
  return { ok: true, key_id: keyid, name: reviewer.name, signed_at: s.signed_at };
}

export interface Review {
  /** The signatures that count, one per reviewer key, sorted by name. */
  signers: Array<BundleSigner & { signed_at: string; file: string }>;
  /** Every signature file that does not count, and why. */
  refused: Array<{ file: string; why: string }>;
}

/** The signature files kept beside the policy files: every `*.sig.json` in their folders, by path. */
async function signatureFiles(policyFiles: readonly string[]): Promise<string[]> {
  const folders = [...new Set(policyFiles.map((f) => dirname(f)))];
  const found = await Promise.all(folders.map(async (d) => (await readdir(d)).filter((n) => n.endsWith(SIGNATURE_SUFFIX)).map((n) => join(d, n))));
  return found.flat().sort();
}

/** Reads and checks every signature beside the bundle's policy files; a key counts once. */
export async function reviewBundle(bundle: ReviewedBundle, policyFiles: readonly string[], keyring: ReviewerKeyring): Promise<Review> {
  const review: Review = { signers: [], refused: [] };
  for (const file of await signatureFiles(policyFiles)) {
    const text = await readFile(file, 'utf8').catch((err: Error) => err);
    const verdict = typeof text === 'string' ? checkSignature(text, bundle, keyring) : ({ ok: false, why: `cannot read: ${text.message}` } as const);
    const first = verdict.ok && review.signers.find((s) => s.key_id === verdict.key_id);
    if (!verdict.ok) review.refused.push({ file, why: verdict.why });
    else if (first) review.refused.push({ file, why: `a duplicate: ${verdict.name} signed already (${first.file})` });
    else review.signers.push({ key_id: verdict.key_id, name: verdict.name, signed_at: verdict.signed_at, file });
  }
  review.signers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return review;
}

/** "N valid signature(s) of the Q needed" with each refused signature, as one PolicyError; nothing when the quorum is met. */
export function assertQuorum(bundle: ReviewedBundle, review: Review, quorum: number): void {
  const n = review.signers.length;
  if (n >= quorum) return;
  throw new PolicyError('policy_unsigned', [
    `bundle ${bundle.bundle_sha256} has ${n} valid signature${n === 1 ? '' : 's'} of the ${quorum} needed (policy.require_signatures)${n ? `: ${review.signers.map((s) => s.name).join(', ')}` : ''}`,
    ...review.refused.map((r) => `${r.file}: ${r.why}`),
  ]);
}

/** The engine's review step for policy.require_signatures: the keyring is read at each bundle, so a change to it counts from the next one. */
export function requireSignatures(required: { keyring: string; quorum: number }) {
  return async (bundle: ReviewedBundle, policyFiles: readonly string[]): Promise<BundleSigner[]> => {
    const review = await reviewBundle(bundle, policyFiles, await readReviewerKeyring(required.keyring));
    assertQuorum(bundle, review, required.quorum);
    return review.signers.map(({ key_id, name }) => ({ key_id, name }));
  };
}
