// Shared vocabulary and primitives at the bottom of the dependency graph.
export type { Principal, CallRequest, Outcome, ApprovalSpec, LimitCharge, Decision, Decider } from './call.js';
export { refuseAll } from './call.js';
export { ToolgateError } from './errors.js';
export { parseDuration } from './duration.js';
export { parseYamlSource, formatKeyPath, YamlSyntaxError } from './yaml-source.js';
export type { YamlSource } from './yaml-source.js';
export { syncDirectory } from './durable.js';
export { canonicalJson } from './canonical-json.js';
