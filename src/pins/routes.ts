// The admin API's pin routes: the pending drifts of every configured upstream with both
// definitions and the readable diff, and a reviewer's approval of exactly the definition they saw
// (`expected_pin`). Approving needs the `pins` right (config `reviewers[].rights`).
import { z } from 'zod';
import type { Reviewer } from '../approvals/index.js';
import type { Config } from '../config/index.js';
import { HttpError, type Route } from '../http/index.js';
import { diffDefinitions } from './diff.js';
import { PinError } from './errors.js';
import { identityOf } from './identity.js';
import type { PinRegistry } from './registry.js';

/** The reviewer right that approves drifted tool definitions. */
export const PINS_RIGHT = 'pins';

/** Untrusted: the body of an approval request. */
const ApproveRequestSchema = z.strictObject({
  expected_pin: z.string().regex(/^[0-9a-f]{64}$/, 'the pending pin as shown by GET /api/pins/drifts (64 lowercase hex digits)'),
});

export interface PinRoutesOptions {
  registry: PinRegistry;
  /** The configured upstreams (`config.upstreams`): drifts are listed and approved by upstream name. */
  upstreams: Config['upstreams'];
}

export function pinRoutes({ registry, upstreams }: PinRoutesOptions): Route<Reviewer>[] {
  const upstreamNamed = (name: string) => {
    const config = Object.hasOwn(upstreams, name) ? upstreams[name] : undefined;
    if (!config) throw new HttpError('not_found', `no upstream named "${name}" in the config`);
    return identityOf(config);
  };

  const drifts = async () => {
    const out = [];
    for (const [upstream, config] of Object.entries(upstreams)) {
      const record = await registry.record(identityOf(config));
      for (const [tool, drift] of Object.entries(record?.drifts ?? {})) {
        out.push({
          upstream,
          tool,
          from: drift.from,
          to: drift.to,
          seen_at: drift.seen_at,
          previous: drift.previous,
          definition: drift.definition,
          diff: diffDefinitions(drift.previous, drift.definition),
        });
      }
    }
    return out.sort((a, b) => a.seen_at.localeCompare(b.seen_at));
  };

  return [
    {
      method: 'GET',
      path: '/api/pins/drifts',
      auth: 'token',
      handle: async () => ({ body: { drifts: await drifts() } }),
    },
    {
      method: 'POST',
      path: '/api/pins/:upstream/:tool/approve',
      auth: 'token',
      handle: async (ctx) => {
        const reviewer = ctx.caller!;
        if (!reviewer.rights.includes(PINS_RIGHT)) {
          throw new HttpError('forbidden', `${reviewer.id} lacks the "${PINS_RIGHT}" right (config reviewers[].rights)`);
        }
        const parsed = ApproveRequestSchema.safeParse(await ctx.json());
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new HttpError('bad_request', `body: ${issue?.path.join('.') || '(top level)'}: ${issue?.message}`);
        }
        const { upstream, tool } = ctx.params as { upstream: string; tool: string };
        const identity = upstreamNamed(upstream);
        const pending = (await registry.record(identity))?.drifts[tool];
        if (!pending) throw new HttpError('not_found', `tool ${upstream}/${tool} has no pending change to approve`);
        try {
          const event = await registry.approve(upstream, identity, tool, reviewer.id, parsed.data.expected_pin);
          return { body: { upstream, tool, from: event.from, to: event.to, reviewer: reviewer.id, at: event.at } };
        } catch (err) {
          // The only refusal left once a drift was pending: it changed again since the reviewer looked.
          if (err instanceof PinError && err.code === 'nothing_to_approve') throw new HttpError('conflict', err.message, { cause: err });
          throw err;
        }
      },
    },
  ];
}
