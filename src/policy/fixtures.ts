// Fixture cases kept beside the policies (`*.test.yaml`): a call in, the expected effect and rule
// ids out. `toolgate policy test` runs them against the bundle of the folder they live in.
import { z } from 'zod';
import { GOVERNED_METHODS, OUTCOMES, type CallRequest, type Decision } from '../core/index.js';
import { formatKeyPath, parseYamlSource } from '../core/yaml-source.js';
import { canonicalSha256, type PolicyBundle } from './bundle.js';
import { PolicyError } from './errors.js';
import { evaluate } from './evaluate.js';
import { EffectSchema, outcomeOf } from './schema.js';

const PrincipalInput = z.union([z.string().min(1), z.strictObject({ id: z.string().min(1), groups: z.array(z.string()).default([]) })]);

export const CallInputSchema = z
  .strictObject({
    method: z.enum(GOVERNED_METHODS).default('tools/call'),
    server: z.string().min(1),
    /** The tool or prompt; for a request about a resource (with `uri`) it may be left out. */
    tool: z.string().min(1).optional(),
    /** The resource a resources/read, resources/subscribe or completion is about. */
    uri: z.string().min(1).optional(),
    args: z.record(z.string(), z.unknown()).default({}),
    principal: PrincipalInput,
    annotations: z.record(z.string(), z.unknown()).default({}),
    /** RFC 3339; fixtures are deterministic, so the default is a fixed instant. */
    now: z.iso.datetime({ offset: true }).default('2026-01-01T12:00:00Z'),
  })
  .refine((c) => c.tool !== undefined || c.uri !== undefined, 'a call names a tool (or prompt), or a resource uri');

const ExpectedEffect = z.enum([...new Set([...EffectSchema.options, ...OUTCOMES])]);

export const FixtureFileSchema = z.strictObject({
  /** The policy.path_root the cases are decided with; a relative one is resolved against the fixture file's folder. */
  path_root: z.string().min(1).optional(),
  cases: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        call: CallInputSchema,
        expect: z.strictObject({
          effect: ExpectedEffect,
          /** Exactly these deciding rule ids (any order). */
          rules: z.array(z.string()).optional(),
          /** The arguments forwarded after `set` constraints. */
          args: z.record(z.string(), z.unknown()).optional(),
        }),
      }),
    )
    .min(1),
});

export type CallInput = z.input<typeof CallInputSchema>;
export type FixtureFile = z.infer<typeof FixtureFileSchema>;
export type FixtureCase = FixtureFile['cases'][number];

/** A CallRequest from the short form used by fixtures and `policy explain`. */
export function callRequest(input: CallInput, callId = 'explain'): CallRequest {
  const c = CallInputSchema.parse(input);
  const principal = typeof c.principal === 'string' ? { id: c.principal, groups: [] } : c.principal;
  return {
    callId,
    session: 'policy-test',
    rpcId: 0,
    principal,
    method: c.method,
    server: c.server,
    // As the gateway describes them: a request about a resource is named by its method.
    tool: c.uri === undefined ? c.tool! : c.method,
    ...(c.uri === undefined ? {} : { uri: c.uri }),
    args: c.args,
    argsSha256: canonicalSha256(c.args),
    toolSha256: null,
    annotations: c.annotations,
    now: new Date(c.now),
  };
}

export function parseFixtureFile(file: string, text: string): FixtureFile {
  const source = parseYamlSource(file, text);
  const parsed = FixtureFileSchema.safeParse(source.value ?? {});
  if (parsed.success) return parsed.data;
  throw new PolicyError(
    'policy_invalid',
    parsed.error.issues.map((i) => {
      const line = source.lineOf(i.path as PropertyKey[]);
      return `${file}${line ? `:${line}` : ''}: ${formatKeyPath(i.path as PropertyKey[])}: ${i.message}`;
    }),
  );
}

export interface CaseResult {
  name: string;
  pass: boolean;
  decision: Decision;
  /** What differed, when it failed. */
  failure?: string;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** `upstreams`: the configured upstream names, when the cases are run for a config; a case naming another is a failure. */
export function runCase(bundle: PolicyBundle, c: FixtureCase, index: number, upstreams?: readonly string[]): CaseResult {
  const decision = evaluate(bundle, callRequest(c.call, `fixture-${index}`));
  const problems: string[] = [];
  if (upstreams && !upstreams.includes(c.call.server)) problems.push(`"${c.call.server}" is not an upstream of the config (${upstreams.join(', ')})`);
  const want = outcomeOf(c.expect.effect);
  if (decision.outcome !== want) problems.push(`expected ${c.expect.effect} (${want}), got ${decision.outcome}`);
  if (c.expect.rules && !sameJson([...c.expect.rules].sort(), [...decision.rules].sort())) {
    problems.push(`expected rules [${c.expect.rules.join(', ')}], got [${decision.rules.join(', ')}]`);
  }
  if (c.expect.args && !sameJson(c.expect.args, decision.effectiveArgs ?? c.call.args)) {
    problems.push(`expected forwarded args ${JSON.stringify(c.expect.args)}, got ${JSON.stringify(decision.effectiveArgs ?? c.call.args)}`);
  }
  return { name: c.name, pass: problems.length === 0, decision, ...(problems.length ? { failure: problems.join('; ') } : {}) };
}
