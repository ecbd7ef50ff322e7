// `toolgate pins export|diff|approve|list`: the approved tool definitions of each upstream, what
// changed since, and the reviewer's approval. With an admin URL or token (--url/--token or
// TOOLGATE_ADMIN_URL/TOOLGATE_TOKEN) `diff` and `approve` go through a running gateway's admin API;
// otherwise listing tools connects to the configured upstreams once, and pins and drifts are read
// from and recorded in the store directly, exactly as the gateway does (so never while one runs).
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { IdentitySchema, type Config } from '../config/index.js';
import { log } from '../log.js';
import {
  diffDefinitions,
  identityOf,
  loadPinsFile,
  PinError,
  PinRegistry,
  pinStoreOn,
  renderPinsFile,
  snapshotCatalog,
  type ToolPinStatus,
} from '../pins/index.js';
import { openLowdbStore, type Store } from '../store/index.js';
import { call, connection } from './approvals.js';
import { readConfig, withConfigOption, type ConfigFlag } from './config-option.js';

export interface PinsContext {
  config: Config;
  registry: PinRegistry;
  close(): Promise<void>;
}

/** The config, its store and its pins file, as a registry (the caller must close it). */
export async function openPins(opts: ConfigFlag): Promise<PinsContext> {
  const { config } = readConfig(opts);
  if (config.store.kind !== 'lowdb') throw new PinError('store_unsupported', `store kind ${config.store.kind}: the pins commands support the lowdb store only`);
  const store: Store = await openLowdbStore(config.store.path);
  const file = config.pins.file ? loadPinsFile(config.pins.file) : undefined;
  const registry = new PinRegistry({ store: pinStoreOn(store), mode: config.pins.mode, onDrift: config.pins.on_drift, file, log });
  return { config, registry, close: () => store.close() };
}

/** Upstream names to work on: the one named, or all configured. */
function selectUpstreams(config: Config, name: string | undefined): Config['upstreams'] {
  if (name === undefined) return config.upstreams;
  const upstream = config.upstreams[name];
  if (!upstream)
    throw new PinError('unknown_upstream', `no upstream named "${name}" in the config (configured: ${Object.keys(config.upstreams).join(', ') || 'none'})`);
  return { [name]: upstream };
}

/** Lists the upstreams' tools and records what they present; prints unreachable upstreams. */
async function assessAll(ctx: PinsContext, name: string | undefined): Promise<Array<{ upstream: string; statuses: ToolPinStatus[] }>> {
  const upstreams = selectUpstreams(ctx.config, name);
  const out = [];
  for (const entry of await snapshotCatalog(upstreams)) {
    if ('error' in entry) {
      process.stderr.write(`toolgate: ${entry.error}\n`);
      process.exitCode = 1;
      continue;
    }
    out.push({ upstream: entry.upstream, statuses: await ctx.registry.assess(entry.upstream, identityOf(upstreams[entry.upstream]!), entry.tools) });
  }
  return out;
}

async function withPins(command: Command, run: (ctx: PinsContext) => Promise<void>): Promise<void> {
  const ctx = await openPins(command.optsWithGlobals<ConfigFlag>());
  try {
    await run(ctx);
  } finally {
    await ctx.close();
  }
}

async function exportPins(ctx: PinsContext): Promise<void> {
  const upstreams: Parameters<typeof renderPinsFile>[0] = {};
  for (const [name, config] of Object.entries(ctx.config.upstreams)) {
    const identity = identityOf(config);
    upstreams[name] = { identity: identity.sha256, label: identity.label, tools: await ctx.registry.approved(name, identity) };
  }
  process.stdout.write(renderPinsFile(upstreams));
}

/** A pending change as both paths print it (the admin API's `GET /api/pins/drifts` rows). */
interface DriftRow {
  upstream: string;
  tool: string;
  from: string | null;
  to: string;
  seen_at: string;
  diff: string;
}

function printDrifts(rows: readonly DriftRow[], exitCode: boolean): void {
  for (const d of rows) {
    process.stdout.write(`== ${d.upstream}/${d.tool}: ${d.from ? `${d.from.slice(0, 12)} -> ` : 'new tool '}${d.to.slice(0, 12)} (seen ${d.seen_at})\n`);
    process.stdout.write(`${d.diff}\n`);
    process.stdout.write(`approve with: toolgate pins approve ${d.upstream} ${d.tool} --pin ${d.to}\n\n`);
  }
  if (rows.length === 0) process.stdout.write('no pending changes\n');
  else if (exitCode) process.exitCode = process.exitCode || 1;
}

async function diff(ctx: PinsContext, upstream: string | undefined, tool: string | undefined, exitCode: boolean): Promise<void> {
  await assessAll(ctx, upstream);
  const rows: DriftRow[] = [];
  for (const [name, config] of Object.entries(selectUpstreams(ctx.config, upstream))) {
    const record = await ctx.registry.record(identityOf(config));
    for (const [toolName, d] of Object.entries(record?.drifts ?? {})) {
      if (tool !== undefined && toolName !== tool) continue;
      rows.push({ upstream: name, tool: toolName, from: d.from, to: d.to, seen_at: d.seen_at, diff: diffDefinitions(d.previous, d.definition) });
    }
  }
  printDrifts(rows, exitCode);
}

/** The drifts a running gateway holds, as its admin API lists them (untrusted JSON, printed as text). */
async function diffViaGateway(command: Command, upstream: string | undefined, tool: string | undefined, exitCode: boolean): Promise<void> {
  const { drifts } = (await call(connection(command), 'GET', '/api/pins/drifts')) as { drifts: DriftRow[] };
  printDrifts(
    drifts.filter((d) => (upstream === undefined || d.upstream === upstream) && (tool === undefined || d.tool === tool)),
    exitCode,
  );
}

interface ApproveOptions {
  reviewer?: string;
  pin?: string;
}

function checkPin(pin: string | undefined): void {
  if (pin !== undefined && !/^[0-9a-f]{64}$/.test(pin))
    throw new PinError('nothing_to_approve', `--pin ${pin}: not a sha256 (64 lowercase hex digits, as printed by toolgate pins diff)`);
}

const approved = (upstream: string, tool: string, pin: string, reviewer: string) =>
  process.stdout.write(`approved ${upstream}/${tool}: pin ${pin} (by ${reviewer})\n`);

async function approve(ctx: PinsContext, upstream: string, tool: string, opts: ApproveOptions): Promise<void> {
  const config = selectUpstreams(ctx.config, upstream)[upstream]!;
  const reviewer = opts.reviewer === undefined ? reviewerId(userInfo().username, 'login name (name the reviewer with --reviewer)') : reviewerId(opts.reviewer);
  checkPin(opts.pin);
  const event = await ctx.registry.approve(upstream, identityOf(config), tool, reviewer, opts.pin);
  approved(upstream, tool, event.to, reviewer);
}

/** The reviewer as every record names one: the canonical id (`Alice` is `user:alice`), never a group. */
function reviewerId(written: string, source = ''): string {
  const parsed = IdentitySchema.safeParse(written);
  if (!parsed.success) throw new PinError('nothing_to_approve', `--reviewer ${written}${source && ` (${source})`}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Approval through a running gateway: the reviewer is the token's, and the pin seen is required. */
async function approveViaGateway(command: Command, upstream: string, tool: string, opts: ApproveOptions): Promise<void> {
  if (opts.reviewer !== undefined)
    throw new PinError('nothing_to_approve', "--reviewer applies to the direct store only: through the admin API the reviewer is the token's");
  if (opts.pin === undefined)
    throw new PinError('nothing_to_approve', '--pin is required through the admin API: the pending pin you reviewed, as printed by toolgate pins diff');
  checkPin(opts.pin);
  const path = `/api/pins/${encodeURIComponent(upstream)}/${encodeURIComponent(tool)}/approve`;
  const res = (await call(connection(command), 'POST', path, { expected_pin: opts.pin })) as { to: string; reviewer: string };
  approved(upstream, tool, res.to, res.reviewer);
}

/** True when a gateway's admin API is named (options or environment): its registry decides then. */
function viaGateway(command: Command): boolean {
  const opts = command.optsWithGlobals<{ url?: string; token?: string }>();
  return Boolean(opts.url ?? opts.token ?? process.env.TOOLGATE_ADMIN_URL ?? process.env.TOOLGATE_TOKEN);
}

async function list(ctx: PinsContext, upstream: string | undefined): Promise<void> {
  for (const { upstream: name, statuses } of await assessAll(ctx, upstream)) {
    for (const s of statuses) {
      const action = s.action === 'expose' ? '' : ` -> ${s.action}`;
      process.stdout.write(
        `${name}/${s.tool}  ${s.state}${action}  ${s.pin?.slice(0, 12) ?? '-'}${s.flags.map((f) => `  [${f.code}: ${f.detail}]`).join('')}\n`,
      );
    }
  }
}

export function registerPins(program: Command): void {
  const pins = withConfigOption(program.command('pins'))
    .description('tool definition pins: export, diff, approve and list')
    .option('--url <url>', "diff/approve through a running gateway's admin API at this URL (env TOOLGATE_ADMIN_URL, default http://127.0.0.1:8081)")
    .option('--token <token>', 'reviewer token for the admin API (env TOOLGATE_TOKEN); with it, diff and approve go through the gateway');
  pins
    .command('export')
    .description('print the approved pins of every upstream as a pins file (YAML) to commit')
    .action((_opts, command: Command) => withPins(command, exportPins));
  pins
    .command('diff [upstream] [tool]')
    .summary('show every pending change as a text diff')
    .description(
      'show every pending change as a text diff: through the admin API of a running gateway with --url/--token, ' +
        "otherwise by listing the upstreams' tools and reading the store directly (never while a gateway holds the store)",
    )
    .option('--exit-code', 'exit with 1 when changes are pending')
    .action((upstream: string | undefined, tool: string | undefined, opts: { exitCode?: boolean }, command: Command) =>
      viaGateway(command)
        ? diffViaGateway(command, upstream, tool, opts.exitCode ?? false)
        : withPins(command, (ctx) => diff(ctx, upstream, tool, opts.exitCode ?? false)),
    );
  pins
    .command('approve <upstream> <tool>')
    .summary('accept the pending definition of a drifted (or new, in strict mode) tool')
    .description(
      'accept the pending definition of a drifted (or new, in strict mode) tool: through the admin API of a running gateway ' +
        'with --url/--token (needs the "pins" right and --pin; recorded with a signed receipt), otherwise in the store directly ' +
        '(never while a gateway holds the store: the gateway would not see the change, and no receipt is written)',
    )
    .option('--reviewer <id>', 'direct store only: the reviewer id recorded with the approval (default user:<login name>)')
    .option('--pin <sha256>', 'approve only if the pending definition still has this pin (required through the admin API)')
    .action((upstream: string, tool: string, opts: ApproveOptions, command: Command) =>
      viaGateway(command) ? approveViaGateway(command, upstream, tool, opts) : withPins(command, (ctx) => approve(ctx, upstream, tool, opts)),
    );
  pins
    .command('list [upstream]')
    .description("list the upstreams' tools with their pin state and flags")
    .action((upstream: string | undefined, _opts, command: Command) => withPins(command, (ctx) => list(ctx, upstream)));
}
