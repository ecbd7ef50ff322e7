// Shared vocabulary and primitives at the bottom of the dependency graph.
export type { Principal, CallRequest, GovernedMethod, ApprovalSpec, LimitCharge, ChargeResult, Decision, Decider } from './call.js';
export { GOVERNED_METHODS, NAMED_METHODS, URI_METHODS } from './call.js';
export { RECEIPT_EVENTS, CALL_EVENTS, OUTCOMES, HOLD_ENDS, VERDICTS, BREAK_GLASS_EVENTS } from './events.js';
export type { ReceiptEvent, CallEvent, Outcome, HoldEnd, Verdict, BreakGlassEvent } from './events.js';
export { ToolgateError } from './errors.js';
export { parseDuration } from './duration.js';
export { parseYamlSource, formatKeyPath, YamlSyntaxError } from './yaml-source.js';
export type { YamlSource } from './yaml-source.js';
export { schemaProblems } from './schema-issues.js';
export { syncDirectory } from './durable.js';
export { canonicalJson } from './canonical-json.js';
