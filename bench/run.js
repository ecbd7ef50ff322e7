// `npm run bench [-- NAME...]`: run every bench/*.bench.js (or those whose name contains NAME) in its
// own process, one after the other, and write their markdown sections into BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine } from './lib.js';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

const sections = [];
let failed = false;
for (const file of files) {
  process.stderr.write(`bench: ${file}\n`);
  const run = spawnSync(process.execPath, ['--expose-gc', join(here, file)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, TOOLGATE_LOG_LEVEL: 'silent' },
  });
  if (run.status !== 0) {
    failed = true;
    sections.push(`## ${file}\n\nFAILED (exit ${run.status})\n`);
  } else sections.push(`${run.stdout.trim()}\n`);
  process.stdout.write(`${sections.at(-1)}\n`);
}

if (filters.length === 0) {
  const doc = [
    '# Benchmarks',
    '',
    'Regenerate with `npm run bench` (this file is written by `bench/run.js`; `npm run bench -- NAME` runs',
    'only the scenarios whose file name contains NAME and prints them without rewriting this file).',
    'Figures are medians of interleaved rounds measured side by side in one run; the machine is shared',
    'and noisy, so compare ratios within a table rather than absolute numbers across runs.',
    '',
    `Measured on: ${machine()}`,
    '',
    ...sections,
  ].join('\n');
  writeFileSync(join(here, '..', 'BENCHMARKS.md'), doc);
}
process.exitCode = failed ? 1 : 0;
