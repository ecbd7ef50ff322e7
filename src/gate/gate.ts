// The path of one tools/call: decide, then dispatch or refuse. Receipts, holds and limits join
// this story as their areas land; until a policy is loaded the decider refuses every call.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Decider, Decision } from '../core/index.js';
import type { Logger } from '../log.js';
import type { CallHandler, ToolCall } from './types.js';

export interface GateOptions {
  /** Returns the decider in force now (policy hot reload swaps it). */
  decider: () => Decider;
  log: Logger;
}

export class Gate implements CallHandler {
  constructor(private readonly options: GateOptions) {}

  async handle(call: ToolCall): Promise<CallToolResult> {
    // decide: any fault inside the decider is a refusal, never a pass.
    const decision = this.decide(call);
    if (decision.outcome !== 'permit') return refusal(decision);
    // dispatch: forward with the (possibly rewritten) arguments.
    return call.dispatch(decision.effectiveArgs ?? call.request.args);
  }

  private decide(call: ToolCall): Decision {
    try {
      return this.options.decider()(call.request);
    } catch (err) {
      this.options.log.error({ err, callId: call.request.callId }, 'policy evaluation failed: refusing');
      return { outcome: 'deny', rules: [], reason: 'policy evaluation failed (fail closed)', bundleSha256: '0'.repeat(64) };
    }
  }
}

function refusal(decision: Decision): CallToolResult {
  const verb = decision.outcome === 'silence' ? 'refused (no rule permits it)' : decision.outcome === 'hold' ? 'held for approval' : 'denied';
  return { isError: true, content: [{ type: 'text', text: `toolgate: call ${verb}: ${decision.reason}` }] };
}
