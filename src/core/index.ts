// Shared vocabulary and primitives at the bottom of the dependency graph.
export type {
  Principal,
  CallRequest,
  GovernedMethod,
  LimitCharge,
  ChargedLimit,
  ChargeResult,
  TimeoutConstraint,
  Decision,
  Decider,
  ShadowDecision,
} from './call.js';
export { GOVERNED_METHODS } from './call.js';
export { RECEIPT_EVENTS, CALL_EVENTS, OUTCOMES, HOLD_ENDS, VERDICTS, BREAK_GLASS_EVENTS } from './events.js';
export type { CallEvent, Outcome, HoldEnd, BreakGlassEvent, Execution } from './events.js';
export { parseDuration } from './duration.js';
export { driftVerdict, PIN_DRIFT_RULE } from './drift.js';
export { parseYamlSource, formatKeyPath, YamlSyntaxError } from './yaml-source.js';
export { canonicalJson, isCanonicalJsonOf } from './canonical-json.js';
export { traceInput, traceCallStart, traceStage, traceAnswered } from './stage-trace.js';
