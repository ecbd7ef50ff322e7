// Every test file closes the files it opens. A FileHandle (node:fs/promises) left to the garbage
// collector makes Node print "Closing file descriptor N on garbage collection" at some later,
// unrelated moment, so the leak is never found from the warning. This setup file (vitest.config.ts)
// records where each handle was opened and fails the test file that leaves one open.
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { afterAll } from 'vitest';

const fsPromises = createRequire(import.meta.url)('node:fs/promises') as typeof import('node:fs/promises');
const open = fsPromises.open;
const openHandles = new Map<object, string>();

fsPromises.open = async function tracked(...args: Parameters<typeof open>) {
  const where = (new Error().stack ?? '').split('\n').slice(2, 8).join('\n');
  const handle = await open(...args);
  openHandles.set(handle, `${String(args[0])}\n${where}`);
  const close = handle.close.bind(handle);
  handle.close = () => {
    openHandles.delete(handle);
    return close();
  };
  return handle;
};
// The ESM namespace of node:fs/promises (what `import { open }` binds to) follows the change.
syncBuiltinESMExports();

// Registered first, so it runs after the test file's own afterAll hooks (they run as a stack).
afterAll(() => {
  const left = [...openHandles.values()];
  openHandles.clear();
  if (left.length > 0) throw new Error(`${left.length} file handle(s) left open by this test file; opened at:\n${left.join('\n\n')}`);
});
