// The reload parser thread stays up between reloads, yet a process whose work is done exits at
// once: a command that loads policies must not hang for the thread's idle time.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const policy = (effect: string) => `version: toolgate.policy/v1\nrules:\n  - id: a\n    effect: ${effect}\n    match: { server: fs }\n`;

describe('the reload parser thread', () => {
  it('does not keep a finished process alive', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-parser-thread-'));
    writeFileSync(join(dir, 'a.yaml'), policy('allow'));
    const script = join(dir, 'reload-once.mjs');
    writeFileSync(
      script,
      `import { writeFileSync } from 'node:fs';
import { PolicyEngine } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist/policy/index.js')).href)};
import { createLogger } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist/log.js')).href)};
const engine = await PolicyEngine.open({ files: [${JSON.stringify(join(dir, '*.yaml'))}], log: createLogger({ level: 'silent' }) });
writeFileSync(${JSON.stringify(join(dir, 'a.yaml'))}, ${JSON.stringify(policy('deny'))});
console.log(await engine.reload(), engine.current.rules[0].effect);
`,
    );
    // The thread idles for minutes before it stops: a process waiting for it is killed here.
    const { stdout } = await promisify(execFile)(process.execPath, [script], { timeout: 20_000 });
    expect(stdout.trim()).toBe('true deny');
  });
});
