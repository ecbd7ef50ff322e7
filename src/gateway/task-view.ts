// A task as a client is shown it: MCP's Task, under toolgate's task id. A forwarded task's fields
// come from the upstream (untrusted): each is taken only when it has the type MCP gives it.
export const TASK_STATUSES = ['working', 'input_required', 'completed', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export interface TaskView {
  taskId: string;
  status: TaskStatus;
  statusMessage?: string;
  createdAt: string;
  lastUpdatedAt: string;
  ttl: number | null;
  pollInterval?: number;
}

const TERMINAL: ReadonlySet<TaskStatus> = new Set(['completed', 'failed', 'cancelled']);

export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL.has(status);
}

/**
 * Untrusted: the upstream's Task. What it leaves out or gets wrong keeps the value the client was
 * last shown; an ended task stays as it ended (an answer sent before the end may arrive after it).
 */
export function taskView(id: string, upstream: unknown, previous: TaskView): TaskView {
  if (isTerminal(previous.status)) return previous;
  const t = (upstream !== null && typeof upstream === 'object' ? upstream : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const ms = (v: unknown) => (typeof v === 'number' && v >= 0 ? v : undefined);
  const status = TASK_STATUSES.includes(t.status as TaskStatus) ? (t.status as TaskStatus) : previous.status;
  const statusMessage = text(t.statusMessage);
  const pollInterval = ms(t.pollInterval) ?? previous.pollInterval;
  return {
    taskId: id,
    status,
    ...(statusMessage === undefined ? {} : { statusMessage }),
    createdAt: text(t.createdAt) ?? previous.createdAt,
    lastUpdatedAt: text(t.lastUpdatedAt) ?? previous.lastUpdatedAt,
    ttl: t.ttl === null ? null : (ms(t.ttl) ?? previous.ttl),
    ...(pollInterval === undefined ? {} : { pollInterval }),
  };
}
