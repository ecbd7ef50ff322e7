// `toolgate approvals list|show|approve|reject`: drive the admin REST API as a reviewer. The URL
// and token come from --url/--token or TOOLGATE_ADMIN_URL/TOOLGATE_TOKEN.
import { InvalidArgumentError, type Command } from 'commander';
import { ToolgateError } from '../core/errors.js';

class AdminClientError extends ToolgateError<'no_token' | 'unreachable' | 'refused'> {}

interface Connection {
  url: string;
  token: string;
}

interface ApprovalRow {
  id: string;
  status: string;
  method: string;
  upstream: string;
  tool: string;
  uri?: string;
  principal: { id: string };
  rule: string;
  age_ms: number;
  expires_at: string;
  decisions: Array<{ reviewer: string; verdict: string }>;
}

export function connection(command: Command): Connection {
  const opts = command.optsWithGlobals<{ url?: string; token?: string }>();
  const url = opts.url ?? process.env.TOOLGATE_ADMIN_URL ?? 'http://127.0.0.1:8081';
  const token = opts.token ?? process.env.TOOLGATE_TOKEN;
  if (!token) throw new AdminClientError('no_token', 'a reviewer token is required: --token or TOOLGATE_TOKEN');
  return { url: url.replace(/\/+$/, ''), token };
}

export async function call(conn: Connection, method: string, path: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${conn.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${conn.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new AdminClientError('unreachable', `cannot reach the admin API at ${conn.url}: ${(err as Error).message}`, { cause: err });
  }
  const payload = (await res.json().catch(() => undefined)) as { error?: { code: string; message: string } } | undefined;
  if (!res.ok) {
    const detail = payload?.error ? `${payload.error.message} (${payload.error.code})` : `HTTP ${res.status}`;
    throw new AdminClientError('refused', detail);
  }
  return payload;
}

const print = (value: unknown) => process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`);

function describe(a: ApprovalRow): string {
  const age = `${Math.round(a.age_ms / 1000)}s`;
  const votes = a.decisions.map((d) => `${d.reviewer}:${d.verdict}`).join(',') || '-';
  return [
    a.id,
    a.status,
    a.uri === undefined ? `${a.upstream}/${a.tool}` : `${a.upstream} ${a.method} ${a.uri}`,
    a.principal.id,
    a.rule,
    age,
    a.expires_at,
    votes,
  ].join('\t');
}

/** `--evidence ticket=CHG-1`, repeatable: the fields gather into one object. */
function collectEvidence(pair: string, fields: Record<string, string>): Record<string, string> {
  const at = pair.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected field=value, e.g. ticket=CHG-1 (got "${pair}")`);
  return { ...fields, [pair.slice(0, at)]: pair.slice(at + 1) };
}

/** A command group that talks to the admin API: --url and --token (or their environment variables). */
export function adminCommand(program: Command, name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .option('--url <url>', 'admin API base URL (env TOOLGATE_ADMIN_URL, default http://127.0.0.1:8081)')
    .option('--token <token>', 'reviewer token (env TOOLGATE_TOKEN)');
}

export function registerApprovals(program: Command): void {
  const group = adminCommand(program, 'approvals', 'list, show, approve and reject held calls through the admin API');

  group
    .command('list')
    .description('list approvals (pending by default)')
    .option('--status <status>', 'pending, approved, rejected, expired, cancelled, executed or all', 'pending')
    .option('--json', 'print JSON')
    .action(async (opts: { status: string; json?: boolean }, command: Command) => {
      const query = opts.status === 'all' ? '' : `?status=${encodeURIComponent(opts.status)}`;
      const { approvals } = (await call(connection(command), 'GET', `/api/approvals${query}`)) as { approvals: ApprovalRow[] };
      if (opts.json) print(approvals);
      else print(approvals.length ? ['ID\tSTATUS\tCALL\tPRINCIPAL\tRULE\tAGE\tEXPIRES\tVOTES', ...approvals.map(describe)].join('\n') : 'no approvals');
    });

  group
    .command('show <id>')
    .description('show one approval: the call, its arguments as sent, the rule, the decisions')
    .action(async (id: string, _opts: unknown, command: Command) => {
      print(await call(connection(command), 'GET', `/api/approvals/${encodeURIComponent(id)}`));
    });

  for (const verdict of ['approve', 'reject'] as const) {
    group
      .command(`${verdict} <id>`)
      .description(`${verdict} a held call`)
      .option('--note <note>', 'a note for the record (it goes into the receipt)')
      .option('--evidence <field=value>', 'an evidence field for the record, e.g. ticket=CHG-1 (repeatable)', collectEvidence, {})
      .action(async (id: string, opts: { note?: string; evidence: Record<string, string> }, command: Command) => {
        const body = { ...(opts.note ? { note: opts.note } : {}), ...(Object.keys(opts.evidence).length ? { evidence: opts.evidence } : {}) };
        const approval = (await call(connection(command), 'POST', `/api/approvals/${encodeURIComponent(id)}/${verdict}`, body)) as ApprovalRow;
        print(`${approval.id}: ${approval.status}`);
      });
  }
}
