// `toolgate break-glass open|confirm|review|close|list`: open a bounded window that lets refused or
// held calls through, confirm it as a further reviewer, review it afterwards, close it early, list windows. Drives the admin API as a reviewer with the right.
import type { Command } from 'commander';
import type { BreakGlassWindow } from '../breakglass/index.js';
import { adminCommand, call, connection } from './approvals.js';

/** A window as the admin API answers it. */
type WindowRow = BreakGlassWindow & { active: boolean };

const scope = (w: WindowRow) => `${w.principal ?? '*'} on ${w.server ?? '*'}/${w.tool ?? '*'}`;
const row = (w: WindowRow) =>
  [
    w.id,
    w.active ? 'active' : w.closed_at ? 'closed' : `waiting (${1 + w.confirmations.length} of ${w.open_quorum} reviewers)`,
    scope(w),
    w.opened_by,
    w.opened_at,
    w.closed_at ? `closed ${w.closed_at} by ${w.closed_by}` : `until ${w.expires_at}`,
    w.reviews.length ? `reviewed by ${w.reviews.map((r) => r.by).join(', ')}` : 'not reviewed',
    JSON.stringify(w.reason),
  ].join('\t');
const state = (w: WindowRow) => (w.active ? 'open' : `waiting for confirmation (${1 + w.confirmations.length} of ${w.open_quorum} reviewers)`);
const print = (text: string) => process.stdout.write(`${text}\n`);

export function registerBreakGlass(program: Command): void {
  const group = adminCommand(
    program,
    'break-glass',
    'open, confirm, review, close and list break-glass windows through the admin API (needs the "break-glass" right)',
  );

  group
    .command('open')
    .description('let calls through that policy would refuse or hold, for a bounded time')
    .requiredOption('--reason <text>', 'why (recorded in the receipts and the weekly report)')
    .requiredOption('--for <duration>', 'how long, e.g. 30m (at most break_glass.max_duration)')
    .option('--principal <id>', "only this principal's calls")
    .option('--surface <server[/tool]>', "only this upstream, or this upstream's tools matching a glob")
    .option('--json', 'print JSON')
    .action(async (opts: { reason: string; for: string; principal?: string; surface?: string; json?: boolean }, command: Command) => {
      const body = { reason: opts.reason, for: opts.for, principal: opts.principal, surface: opts.surface };
      const w = (await call(connection(command), 'POST', '/api/break-glass', body)) as WindowRow;
      print(opts.json ? JSON.stringify(w, null, 2) : `${w.id}: ${state(w)} for ${scope(w)} until ${w.expires_at}`);
    });

  group
    .command('confirm <id>')
    .description('vouch for a window another reviewer opened (break_glass.open_quorum); the confirmation that meets the quorum opens it')
    .action(async (id: string, _opts: unknown, command: Command) => {
      const w = (await call(connection(command), 'POST', `/api/break-glass/${encodeURIComponent(id)}/confirm`)) as WindowRow;
      print(`${w.id}: ${state(w)} until ${w.expires_at}`);
    });

  group
    .command('review <id>')
    .description('review a window afterwards (a reviewer who neither opened nor confirmed it)')
    .requiredOption('--note <text>', 'what the review found (recorded in the receipt)')
    .action(async (id: string, opts: { note: string }, command: Command) => {
      const w = (await call(connection(command), 'POST', `/api/break-glass/${encodeURIComponent(id)}/review`, { note: opts.note })) as WindowRow;
      print(`${w.id}: reviewed by ${w.reviews.at(-1)?.by}`);
    });

  group
    .command('close <id>')
    .description('close a window early')
    .action(async (id: string, _opts: unknown, command: Command) => {
      const w = (await call(connection(command), 'POST', `/api/break-glass/${encodeURIComponent(id)}/close`)) as WindowRow;
      print(`${w.id}: closed at ${w.closed_at}`);
    });

  group
    .command('list')
    .description('list windows, newest first')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { windows } = (await call(connection(command), 'GET', '/api/break-glass')) as { windows: WindowRow[] };
      if (opts.json) print(JSON.stringify(windows, null, 2));
      else print(windows.length ? ['ID\tSTATE\tSCOPE\tOPENED BY\tOPENED\tENDS\tREASON', ...windows.map(row)].join('\n') : 'no break-glass windows');
    });
}
