// The policy engine: policy files compiled into bundles, pure evaluation into Decisions, explain,
// fixture tests, archived bundles for replay, and hot reload.
export { policyJsonSchema, outcomeOf } from './schema.js';
export { PolicyError } from './errors.js';
export { compileBundle } from './bundle.js';
export type { PolicyBundle, PolicySource, CompileOptions } from './bundle.js';
export type { LoadOptions } from './load.js';
export { readPolicySources, loadPolicyBundle, SIGNATURE_SUFFIX } from './load.js';
export { unknownToolNames } from './tool-names.js';
export { evaluate, decider } from './evaluate.js';
export { explain, isDeniedUnconditionally } from './explain.js';
export { archiveBundle, loadArchivedBundle } from './archive.js';
export { PolicyEngine } from './engine.js';
export { policyChangeOf } from './change.js';
export type { PolicyChange, BundleSigner } from './change.js';
export { callRequest, parseFixtureFile, runCase, CallInputSchema } from './fixtures.js';
export type { CallInput } from './fixtures.js';
export { MAX_MATCH_INPUT, regexProblem } from './regex.js';
