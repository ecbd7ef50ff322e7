// Durability helpers shared by the areas that write files that must survive a crash.
import { closeSync, fsyncSync, openSync } from 'node:fs';

/** fsync a directory, so that files just created or renamed in it survive a crash. */
export function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
