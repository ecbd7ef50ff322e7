// The policy engine: policy files compiled into bundles, pure evaluation into Decisions, explain,
// fixture tests, archived bundles for replay, and hot reload.
export { POLICY_VERSION, PolicyFileSchema, policyJsonSchema, outcomeOf } from './schema.js';
export type { Effect, PolicyFile, RuleConfig } from './schema.js';
export { PolicyError } from './errors.js';
export type { PolicyErrorCode } from './errors.js';
export { compileBundle } from './bundle.js';
export type { PolicyBundle, PolicySource, CompileOptions, BundleDocument } from './bundle.js';
export { readPolicySources, resolvePolicyFiles, loadPolicyBundle, FIXTURE_GLOBS } from './load.js';
export { evaluate, decider } from './evaluate.js';
export { explain, isDeniedUnconditionally } from './explain.js';
export type { Explanation, RuleExplanation } from './explain.js';
export type { RuleStatus } from './judge.js';
export { archiveBundle, loadArchivedBundle } from './archive.js';
export { PolicyEngine } from './engine.js';
export type { PolicyEngineOptions } from './engine.js';
export { callRequest, parseFixtureFile, runCase, CallInputSchema, FixtureFileSchema } from './fixtures.js';
export type { CallInput, FixtureFile, FixtureCase, CaseResult } from './fixtures.js';
export { MAX_MATCH_INPUT, regexProblem } from './regex.js';
