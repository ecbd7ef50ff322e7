// What a client session is offered when it initializes, drawn from the upstreams behind the
// gateway: the capabilities (tools always, everything else when some upstream serves it, tasks
// as far as upstreams take them) and the
// upstreams' instructions (docs/gateway.md, "What clients see").
import type { ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { Upstream } from '../upstream/index.js';
import { cancels, takesTaskCalls } from './task-capability.js';

export interface Offer {
  capabilities: ServerCapabilities;
  instructions?: string;
}

export function offer(upstreams: readonly Upstream[]): Offer {
  const text = instructions(upstreams);
  return { capabilities: capabilities(upstreams), ...(text === undefined ? {} : { instructions: text }) };
}

function capabilities(upstreams: readonly Upstream[]): ServerCapabilities {
  const any = (key: string) => upstreams.some((u) => u.capabilities[key]);
  const subscribe = upstreams.some((u) => (u.capabilities.resources as { subscribe?: boolean } | undefined)?.subscribe);
  const result: ServerCapabilities = { tools: { listChanged: true } };
  if (any('resources')) result.resources = { subscribe, listChanged: true };
  if (any('prompts')) result.prompts = { listChanged: true };
  if (any('completions')) result.completions = {};
  if (any('logging')) result.logging = {};
  // toolgate lists a session's tasks itself; it cancels them when an upstream that takes task calls cancels its tasks.
  if (upstreams.some(takesTaskCalls)) result.tasks = { list: {}, requests: { tools: { call: {} } }, ...(upstreams.some(cancels) ? { cancel: {} } : {}) };
  return result;
}

/**
 * One upstream's instructions as it gave them; several upstreams' one after another in config
 * order, each under a heading with the upstream's name and the prefix its tools are named with,
 * since instructions name tools by the upstream's own names.
 */
function instructions(upstreams: readonly Upstream[]): string | undefined {
  const giving = upstreams.filter((u) => u.instructions);
  if (giving.length <= 1) return giving[0]?.instructions;
  return giving.map((u) => `## ${u.name}${u.prefix ? ` (tools named ${u.prefix}*)` : ''}\n\n${u.instructions}`).join('\n\n');
}
