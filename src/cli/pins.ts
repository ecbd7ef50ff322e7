// `toolgate pins export|diff|approve|list`: the approved tool definitions of each upstream, what
// changed since, and the reviewer's approval. Listing tools connects to the configured upstreams
// once; pins and drifts are read from and recorded in the store exactly as the gateway does.
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../config/index.js';
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

export interface PinsContext {
  config: Config;
  registry: PinRegistry;
  close(): Promise<void>;
}

/** The config, its store and its pins file, as a registry (the caller must close it). */
export async function openPins(configPath: string): Promise<PinsContext> {
  const { config } = loadConfig(configPath);
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
  if (!upstream) throw new PinError('unknown_upstream', `no upstream named "${name}" in the config (configured: ${Object.keys(config.upstreams).join(', ') || 'none'})`);
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
  const ctx = await openPins(command.optsWithGlobals<{ config: string }>().config);
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

async function diff(ctx: PinsContext, upstream: string | undefined, tool: string | undefined, exitCode: boolean): Promise<void> {
  await assessAll(ctx, upstream);
  let pending = 0;
  for (const [name, config] of Object.entries(selectUpstreams(ctx.config, upstream))) {
    const record = await ctx.registry.record(identityOf(config));
    for (const [toolName, drift] of Object.entries(record?.drifts ?? {})) {
      if (tool !== undefined && toolName !== tool) continue;
      pending++;
      process.stdout.write(`== ${name}/${toolName}: ${drift.from ? `${drift.from.slice(0, 12)} -> ` : 'new tool '}${drift.to.slice(0, 12)} (seen ${drift.seen_at})\n`);
      process.stdout.write(`${diffDefinitions(drift.previous, drift.definition)}\n`);
      process.stdout.write(`approve with: toolgate pins approve ${name} ${toolName} --pin ${drift.to}\n\n`);
    }
  }
  if (pending === 0) process.stdout.write('no pending changes\n');
  else if (exitCode) process.exitCode = process.exitCode || 1;
}

async function approve(ctx: PinsContext, upstream: string, tool: string, opts: { reviewer?: string; pin?: string }): Promise<void> {
  const config = selectUpstreams(ctx.config, upstream)[upstream]!;
  const reviewer = opts.reviewer ?? `user:${userInfo().username}`;
  if (opts.pin !== undefined && !/^[0-9a-f]{64}$/.test(opts.pin)) throw new PinError('nothing_to_approve', `--pin ${opts.pin}: not a sha256 (64 lowercase hex digits, as printed by toolgate pins diff)`);
  const event = await ctx.registry.approve(upstream, identityOf(config), tool, reviewer, opts.pin);
  process.stdout.write(`approved ${upstream}/${tool}: pin ${event.to} (by ${reviewer})\n`);
}

async function list(ctx: PinsContext, upstream: string | undefined): Promise<void> {
  for (const { upstream: name, statuses } of await assessAll(ctx, upstream)) {
    for (const s of statuses) {
      const action = s.action === 'expose' ? '' : ` -> ${s.action}`;
      process.stdout.write(`${name}/${s.tool}  ${s.state}${action}  ${s.pin?.slice(0, 12) ?? '-'}${s.flags.map((f) => `  [${f.code}: ${f.detail}]`).join('')}\n`);
    }
  }
}

export function registerPins(program: Command): void {
  const pins = program
    .command('pins')
    .description('tool definition pins: export, diff, approve and list')
    .option('-c, --config <file>', 'toolgate.yaml', 'toolgate.yaml');
  pins
    .command('export')
    .description('print the approved pins of every upstream as a pins file (YAML) to commit')
    .action((_opts, command: Command) => withPins(command, exportPins));
  pins
    .command('diff [upstream] [tool]')
    .description('list the upstreams\' tools, then show every pending change as a text diff')
    .option('--exit-code', 'exit with 1 when changes are pending')
    .action((upstream: string | undefined, tool: string | undefined, opts: { exitCode?: boolean }, command: Command) =>
      withPins(command, (ctx) => diff(ctx, upstream, tool, opts.exitCode ?? false)),
    );
  pins
    .command('approve <upstream> <tool>')
    .description('accept the pending definition of a drifted (or new, in strict mode) tool')
    .option('--reviewer <id>', 'the reviewer id recorded with the approval (default user:<login name>)')
    .option('--pin <sha256>', 'approve only if the pending definition still has this pin')
    .action((upstream: string, tool: string, opts: { reviewer?: string; pin?: string }, command: Command) =>
      withPins(command, (ctx) => approve(ctx, upstream, tool, opts)),
    );
  pins
    .command('list [upstream]')
    .description('list the upstreams\' tools with their pin state and flags')
    .action((upstream: string | undefined, _opts, command: Command) => withPins(command, (ctx) => list(ctx, upstream)));
}
