// subscriptions/listen for clients of the 2026-07-28 revision: a POST answered with an SSE stream that
// stays open, acknowledges first, then carries the change notifications the client asked for
// (tool, prompt and resource list changes; updates of the resources it names), each under the
// listen request's id. A stream is served through the internal session its envelope maps to (the
// one its client's other requests use): list changes reach that session as they reach every
// session, and each resource subscription is a resources/subscribe on it, so it passes the gate
// and shares the upstream subscription with every other holder. Closing the stream unsubscribes
// what no other stream of that session still holds; the upstream subscription ends when no session does.
// A client that declared the tasks extension may name its tasks (`taskIds`, the extension's
// filter field): each change of one it owns comes as `notifications/tasks`, the task as tasks/get
// shows it (era-2026-tasks.ts), once per state.
// Written by hand: the v2 SDK's listen router serves its own server's event bus as a web Response,
// and toolgate's events come from its 2025-11-25 sessions and its subscriptions from the gate;
// the SDK's filter schema and meta keys are used.
import type { ServerResponse } from 'node:http';
import { isSpecType, SERVER_INFO_META_KEY, SUBSCRIPTION_ID_META_KEY, type SubscriptionFilter } from '@modelcontextprotocol/server';
import {
  ErrorCode,
  type JSONRPCMessage,
  type JSONRPCNotification,
  type JSONRPCRequest,
  type RequestId,
  type ServerCapabilities,
} from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '../core/index.js';
import { SSE_HEADERS, sseEvent } from './era-2026-reply.js';

/** Open streams a principal may hold at once; the next is refused (a stream holds a connection open). */
export const MAX_STREAMS_PER_PRINCIPAL = 64;
/** An SSE comment this often keeps idle streams from being cut by proxies and client timeouts. */
const KEEP_ALIVE_MS = 15_000;
/** Where the acknowledgment names the subscriptions the gate refused, with the refusal (and its receipt). */
const REFUSED_META_KEY = 'dev.toolgate/refused';

/** What a stream needs of the internal session it is served through. */
export interface ListenVia {
  /** The answer to a request sent through the session; undefined when `res` closed first. */
  request(request: JSONRPCRequest, res?: ServerResponse): Promise<JSONRPCMessage | undefined>;
  /** Called with every notification the session sends outside a request. */
  readonly listeners: Set<(notification: JSONRPCNotification) => void>;
}

export interface ListenRefusal {
  code: number;
  message: string;
  data?: unknown;
}

/** What a stream may be told of tasks: whether its request declared the extension, and which tasks its principal owns. */
export interface TaskWatch {
  declared: boolean;
  owns(taskId: string): boolean;
  /** Refusing a filter that names tasks without the extension declared. */
  missing(): ListenRefusal;
}

/** The revision's filter, with the tasks extension's field. */
type Filter = SubscriptionFilter & { taskIds?: string[] };

interface Stream {
  principal: string;
  end(graceful: boolean): void;
  /** A change of a task the stream names (built only when some stream names it). */
  task?(taskId: string, notification: () => JSONRPCNotification | undefined): void;
}

export class ListenStreams {
  private readonly open = new Set<Stream>();
  /** Per internal session: how many open streams hold each resource subscription. */
  private readonly held = new Map<ListenVia, Map<string, number>>();

  constructor(private readonly serverInfo: { name: string; version: string }) {}

  /**
   * Serves a subscriptions/listen request on `res`, or returns the error to answer it with. Untrusted:
   * the request's params. `capabilities` are the gateway's: what it can deliver.
   */
  async serve(
    res: ServerResponse,
    request: JSONRPCRequest,
    principal: Principal,
    via: ListenVia,
    capabilities: ServerCapabilities,
    tasks: TaskWatch,
  ): Promise<ListenRefusal | undefined> {
    const filter = (request.params as { notifications?: unknown } | undefined)?.notifications as Filter | undefined;
    if (!isSpecType.SubscriptionFilter(filter) || filter === null || typeof filter !== 'object' || !isIdList(filter.taskIds))
      return { code: ErrorCode.InvalidParams, message: 'Invalid params: params.notifications must be a subscription filter' };
    if (filter.taskIds !== undefined && !tasks.declared) return tasks.missing();
    if ([...this.open].filter((s) => s.principal === principal.id).length >= MAX_STREAMS_PER_PRINCIPAL)
      return { code: ErrorCode.InternalError, message: `Subscription limit reached: at most ${MAX_STREAMS_PER_PRINCIPAL} open streams per principal` };

    const honored: Filter = honoredLists(filter, capabilities);
    const taskIds = [...new Set(filter.taskIds ?? [])].filter((taskId) => tasks.owns(taskId));
    if (taskIds.length > 0) honored.taskIds = taskIds;
    const wanted = capabilities.resources?.subscribe ? [...new Set((filter as SubscriptionFilter).resourceSubscriptions ?? [])] : [];
    let gone = false;
    res.once('close', () => (gone = true));
    const { subscribed, refused } = await this.subscribe(via, wanted, res);
    if (gone) return void this.release(via, subscribed);
    if (subscribed.length > 0) honored.resourceSubscriptions = subscribed;

    const id = request.id;
    res.writeHead(200, SSE_HEADERS);
    const write = (message: JSONRPCMessage) => res.write(sseEvent(message));
    const meta = refused.length > 0 ? { [REFUSED_META_KEY]: refused } : {};
    write(stamped({ jsonrpc: '2.0', method: 'notifications/subscriptions/acknowledged', params: { notifications: honored, _meta: meta } }, id));

    const deliver = (notification: JSONRPCNotification) => {
      if (accepts(honored, notification)) write(stamped(notification, id));
    };
    // The last state each named task was told in: a change that shows nothing new is not repeated.
    const told = new Map<string, string>();
    const task = (taskId: string, notification: () => JSONRPCNotification | undefined) => {
      if (!taskIds.includes(taskId)) return;
      const now = notification();
      const text = JSON.stringify(now?.params);
      if (!now || told.get(taskId) === text) return;
      told.set(taskId, text);
      write(stamped(now, id));
    };
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    keepAlive.unref();
    let ended = false;
    const stream: Stream = {
      principal: principal.id,
      task,
      end: (graceful) => {
        if (ended) return;
        ended = true;
        clearInterval(keepAlive);
        via.listeners.delete(deliver);
        this.open.delete(stream);
        if (graceful) {
          write({ jsonrpc: '2.0', id, result: { resultType: 'complete', _meta: { [SUBSCRIPTION_ID_META_KEY]: id, [SERVER_INFO_META_KEY]: this.serverInfo } } });
          res.end();
        } else this.release(via, subscribed);
      },
    };
    // Nothing honored: nothing will ever come, so the stream ends as the server ends it.
    if (Object.keys(honored).length === 0) return void stream.end(true);
    this.open.add(stream);
    via.listeners.add(deliver);
    res.once('close', () => stream.end(false));
    return undefined;
  }

  /** A principal's task changed: its streams that name it are told, each once per state. */
  taskChanged(principalId: string, taskId: string, notification: () => JSONRPCNotification | undefined): void {
    for (const stream of this.open) if (stream.principal === principalId) stream.task?.(taskId, notification);
  }

  /** Ends every stream with its result (shutdown); the sessions' closing ends their subscriptions. */
  closeAll(): void {
    for (const stream of [...this.open]) stream.end(true);
  }

  /** Subscribes through the gate; what it refused is named with its error, what it permitted is held. */
  private async subscribe(via: ListenVia, uris: string[], res: ServerResponse) {
    const subscribed: string[] = [];
    const refused: { uri: string; error: unknown }[] = [];
    const answers = await Promise.all(uris.map((uri) => via.request({ jsonrpc: '2.0', id: 0, method: 'resources/subscribe', params: { uri } }, res)));
    answers.forEach((answer, i) => {
      if (answer && 'result' in answer) subscribed.push(uris[i]!);
      else if (answer && 'error' in answer) refused.push({ uri: uris[i]!, error: answer.error });
    });
    const counts = this.held.get(via) ?? new Map<string, number>();
    this.held.set(via, counts);
    for (const uri of subscribed) counts.set(uri, (counts.get(uri) ?? 0) + 1);
    return { subscribed, refused };
  }

  /** A closed stream's subscriptions: those no other stream of the session holds are ended on it. */
  private release(via: ListenVia, uris: string[]): void {
    const counts = this.held.get(via);
    if (!counts) return;
    for (const uri of uris) {
      const left = (counts.get(uri) ?? 1) - 1;
      if (left > 0) {
        counts.set(uri, left);
        continue;
      }
      counts.delete(uri);
      void via.request({ jsonrpc: '2.0', id: 0, method: 'resources/unsubscribe', params: { uri } });
    }
    if (counts.size === 0) this.held.delete(via);
  }
}

/** The list changes asked for that the gateway announces (resource subscriptions are the gate's to honor). */
function honoredLists(filter: SubscriptionFilter, capabilities: ServerCapabilities): SubscriptionFilter {
  const honored: SubscriptionFilter = {};
  if (filter.toolsListChanged === true && capabilities.tools?.listChanged) honored.toolsListChanged = true;
  if (filter.promptsListChanged === true && capabilities.prompts?.listChanged) honored.promptsListChanged = true;
  if (filter.resourcesListChanged === true && capabilities.resources?.listChanged) honored.resourcesListChanged = true;
  return honored;
}

/** Whether a stream with this honored filter carries the notification (request-scoped ones never). */
function accepts(honored: SubscriptionFilter, notification: JSONRPCNotification): boolean {
  switch (notification.method) {
    case 'notifications/tools/list_changed':
      return honored.toolsListChanged === true;
    case 'notifications/prompts/list_changed':
      return honored.promptsListChanged === true;
    case 'notifications/resources/list_changed':
      return honored.resourcesListChanged === true;
    case 'notifications/resources/updated':
      return honored.resourceSubscriptions?.includes(notification.params?.uri as string) === true;
    default:
      return false;
  }
}

/** Untrusted: the filter's taskIds, absent or a list of strings. */
function isIdList(ids: unknown): boolean {
  return ids === undefined || (Array.isArray(ids) && ids.every((id) => typeof id === 'string'));
}

/** The notification as a stream carries it: under the subscription's id. */
function stamped(notification: JSONRPCNotification, id: RequestId): JSONRPCNotification {
  const params = notification.params ?? {};
  return { ...notification, params: { ...params, _meta: { ...(params._meta as object | undefined), [SUBSCRIPTION_ID_META_KEY]: id } } };
}
