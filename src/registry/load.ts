// Reading the registry file named by toolgate.yaml (`registry:`, already resolved against the config's folder).
import { readFile } from 'node:fs/promises';
import { RegistryError } from './errors.js';
import type { RegistrySource } from './registry.js';

export async function readRegistrySource(file: string): Promise<RegistrySource> {
  try {
    return { file, text: await readFile(file, 'utf8') };
  } catch (err) {
    throw new RegistryError('registry_unreadable', [`${file}: cannot read the registry: ${(err as Error).message}`], { cause: err });
  }
}
