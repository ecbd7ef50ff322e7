// Builds the reviewer console into dist/console/: one esbuild bundle (app.js) plus the static page
// shell and stylesheet. Everything the page loads comes from here, so the CSP can stay 'self' only.
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const web = fileURLToPath(new URL('.', import.meta.url));
const out = fileURLToPath(new URL('../dist/console/', import.meta.url));

// esbuild strips types without checking them: check the page's TypeScript first.
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', `${web}tsconfig.json`], { stdio: 'inherit' });

await mkdir(out, { recursive: true });
await build({
  entryPoints: [`${web}src/main.ts`],
  outfile: `${out}app.js`,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning',
});
for (const file of ['index.html', 'console.css']) await copyFile(`${web}static/${file}`, `${out}${file}`);
