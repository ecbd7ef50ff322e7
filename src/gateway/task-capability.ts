// Which upstreams take tools/call as tasks, and cancel them: what toolgate offers clients of tasks
// follows them (docs/gateway.md, "Tasks").
import type { Upstream } from '../upstream/index.js';

/** Untrusted: the upstream's capabilities. */
function taskCapability(upstream: Upstream): { cancel?: unknown; requests?: { tools?: { call?: unknown } } } | undefined {
  const tasks = upstream.capabilities.tasks;
  return tasks !== null && typeof tasks === 'object' ? tasks : undefined;
}

export function takesTaskCalls(upstream: Upstream): boolean {
  return Boolean(taskCapability(upstream)?.requests?.tools?.call);
}

/** An upstream that takes task calls and cancels its tasks. */
export function cancels(upstream: Upstream): boolean {
  return takesTaskCalls(upstream) && Boolean(taskCapability(upstream)?.cancel);
}
