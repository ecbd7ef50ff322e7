// Bundles archived by their sha256, so that the decision behind any receipt can be replayed later
// against exactly the policy that made it.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { compileBundle, documentSha256, type BundleDocument, type CompileOptions, type PolicyBundle } from './bundle.js';
import { PolicyError } from './errors.js';

const BundleDocumentSchema = z.strictObject({
  v: z.literal(1),
  path_root: z.string(),
  files: z.array(z.strictObject({ name: z.string(), content: z.string() })),
  registry: z.strictObject({ name: z.string(), content: z.string() }).optional(),
});

const SHA = /^[0-9a-f]{64}$/;

/** Writes `<dir>/<sha256>.json` unless present; atomic, so a reader never sees half a bundle. */
export async function archiveBundle(dir: string, bundle: PolicyBundle): Promise<string> {
  const file = join(dir, `${bundle.sha256}.json`);
  try {
    await readFile(file);
    return file;
  } catch {
    // not archived yet
  }
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(bundle.document, null, 2)}\n`, { mode: 0o644 });
  await rename(tmp, file);
  return file;
}

/** Loads an archived bundle and checks that its content still hashes to its name. */
export async function loadArchivedBundle(dir: string, sha256: string, options: Pick<CompileOptions, 'knownUpstreams'> = {}): Promise<PolicyBundle> {
  if (!SHA.test(sha256)) throw new PolicyError('policy_archive', [`not a bundle sha256: ${JSON.stringify(sha256)}`]);
  const file = join(dir, `${sha256}.json`);
  let doc: BundleDocument;
  try {
    // Untrusted: the archive is only as trustworthy as its directory; the hash check below decides.
    doc = BundleDocumentSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch (err) {
    throw new PolicyError('policy_archive', [`${file}: cannot load archived bundle: ${(err as Error).message}`], { cause: err });
  }
  if (documentSha256(doc) !== sha256) throw new PolicyError('policy_archive', [`${file}: content does not hash to ${sha256}`]);
  const bundle = compileBundle(
    doc.files.map((f) => ({ file: f.name, text: f.content })),
    { ...options, pathRoot: doc.path_root, ...(doc.registry ? { registry: { file: doc.registry.name, text: doc.registry.content } } : {}) },
  );
  return bundle;
}
