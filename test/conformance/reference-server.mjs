// The reference server for the conformance run: a Streamable HTTP MCP server on the v1 SDK that
// implements what each 2025-11-25 server scenario of @modelcontextprotocol/conformance asks of the
// server under test (the "Server Implementation Requirements" in each scenario's description, as
// the published package states them). The suite's own reference server lives in its repository,
// not in the npm package, and CI reaches only the npm registry: this is ours, written to those
// requirements. Resumable like the SDK's documented setup (an event store, a retry interval), so
// SSE polling can be tested. Prints its port on stdout. The tools the 2026-07-28 tasks scenarios
// call (`greet`, `slow_compute`, `failing_job`, `protocol_error_job`, `confirm_delete`,
// `multi_input`, `test_tool_with_task`) are 2025-11-25 task tools here, on the SDK's task store and
// message queue: toolgate shows them to 2026-07-28 clients as the tasks extension. A task that needs
// input asks for it the 2025-11-25 way (status input_required, its requests delivered on
// tasks/result), and `test_tool_with_task` asks during the call, before it makes its task. The
// diagnostic tools of the 2026-07-28 server-stateless scenario are written the 2025-11-25 way too:
// `test_missing_capability` asks for sampling, `test_streaming_elicitation` reports progress then
// asks for a name, `test_logging_tool` logs whatever level its client asked, and
// `test_trigger_tool_change` / `test_trigger_prompt_change` send list_changed to every session;
// toolgate gives a 2026-07-28 client -32021, input-required results, logs at the request's
// `_meta` level and listen-stream notifications of them.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { InMemoryTaskMessageQueue, InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  CompleteRequestSchema,
  CreateMessageResultSchema,
  ElicitResultSchema,
  GetPromptRequestSchema,
  ListRootsResultSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import {
  contentCalls,
  fromLocalhost,
  noArgs,
  PNG,
  promptMessages,
  prompts,
  refuseNotLocal,
  schema2020,
  sep1034Schema,
  sep1330Schema,
  sleep,
  text,
} from './reference-content.mjs';

const tools = [
  { name: 'test_simple_text', description: 'Returns simple text', inputSchema: noArgs },
  { name: 'test_image_content', description: 'Returns an image', inputSchema: noArgs },
  { name: 'test_audio_content', description: 'Returns audio', inputSchema: noArgs },
  { name: 'test_embedded_resource', description: 'Returns an embedded resource', inputSchema: noArgs },
  { name: 'test_multiple_content_types', description: 'Returns text, an image and a resource', inputSchema: noArgs },
  { name: 'test_tool_with_logging', description: 'Logs three messages while it runs', inputSchema: noArgs },
  { name: 'test_tool_with_progress', description: 'Reports progress while it runs', inputSchema: noArgs },
  { name: 'test_error_handling', description: 'Always fails', inputSchema: noArgs },
  { name: 'test_reconnection', description: 'Closes its SSE stream mid-call, then answers', inputSchema: noArgs },
  {
    name: 'test_slow',
    description: 'Answers after the given milliseconds, unless cancelled',
    inputSchema: { type: 'object', properties: { ms: { type: 'number' } } },
  },
  { name: 'test_cancellations', description: 'How many test_slow calls were cancelled', inputSchema: noArgs },
  {
    name: 'test_sampling',
    description: 'Asks the client for a completion',
    inputSchema: { type: 'object', properties: { prompt: { type: 'string' } }, required: ['prompt'] },
  },
  {
    name: 'test_elicitation',
    description: 'Asks the user for input',
    inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
  },
  { name: 'test_elicitation_sep1034_defaults', description: 'Elicitation with defaults (SEP-1034)', inputSchema: noArgs },
  { name: 'test_elicitation_sep1330_enums', description: 'Elicitation with enum forms (SEP-1330)', inputSchema: noArgs },
  { name: 'json_schema_2020_12_tool', description: 'Tool with JSON Schema 2020-12 features', inputSchema: schema2020 },
  ...['elicitation', 'sampling', 'list_roots', 'request_state', 'multiple_inputs', 'multi_round', 'tampered_state', 'capabilities'].map((kind) => ({
    name: `test_input_required_result_${kind}`,
    description: `Asks its client for input during the call (${kind})`,
    inputSchema: noArgs,
  })),
  {
    name: 'greet',
    description: 'Greets without a task',
    inputSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
  },
  {
    name: 'slow_compute',
    description: 'Answers after `seconds`, as a task when asked',
    inputSchema: { type: 'object', properties: { seconds: { type: 'number' }, label: { type: 'string' } } },
    execution: { taskSupport: 'optional' },
  },
  { name: 'failing_job', description: 'A task that ends with a tool error', inputSchema: noArgs, execution: { taskSupport: 'required' } },
  { name: 'protocol_error_job', description: 'A task that ends with a JSON-RPC error', inputSchema: noArgs, execution: { taskSupport: 'optional' } },
  {
    name: 'confirm_delete',
    description: 'A task that asks its client to confirm, then ends',
    inputSchema: { type: 'object', properties: { filename: { type: 'string' } } },
    execution: { taskSupport: 'required' },
  },
  { name: 'multi_input', description: 'A task that asks its client two questions at once', inputSchema: noArgs, execution: { taskSupport: 'required' } },
  {
    name: 'test_tool_with_task',
    description: 'Asks for a name during the call, then answers as a task',
    inputSchema: noArgs,
    execution: { taskSupport: 'required' },
  },
  { name: 'test_missing_capability', description: 'Asks the client for a completion, which needs sampling', inputSchema: noArgs },
  { name: 'test_streaming_elicitation', description: 'Reports progress, then asks the user for input', inputSchema: noArgs },
  { name: 'test_logging_tool', description: 'Logs one message while it runs', inputSchema: noArgs },
  { name: 'test_trigger_tool_change', description: 'Tells every session the tool list changed', inputSchema: noArgs },
  { name: 'test_trigger_prompt_change', description: 'Tells every session the prompt list changed', inputSchema: noArgs },
];

/** Task tools: what each comes to (a result, or `protocolError` for a JSON-RPC error) and after how long. */
const taskCalls = {
  slow_compute: ({ seconds = 0, label = '' }) => ({ ms: seconds * 1000, result: text(`Computed ${label} after ${seconds}s`) }),
  failing_job: () => ({ ms: 500, result: { isError: true, content: [{ type: 'text', text: 'failing_job failed, as it always does' }] } }),
  protocol_error_job: () => ({ ms: 100, protocolError: true }),
};

/** A question for a task's client: its only field, required. */
const question = (message, field, type = 'string') => ({
  method: 'elicitation/create',
  params: { message, requestedSchema: { type: 'object', properties: { [field]: { type } }, required: [field] } },
});

/**
 * Task tools that need input, in the background of their task: each asks its client through the
 * task (the task shows input_required meanwhile) and comes to a result.
 */
const inputTasks = {
  confirm_delete: async ({ filename = 'the file' }, ask) => {
    const answer = await ask(question(`Delete ${filename}?`, 'confirm', 'boolean'));
    return text(answer.action === 'accept' && answer.content?.confirm ? `Deleted ${filename}` : `Kept ${filename}`);
  },
  multi_input: async (_args, ask) => {
    const answers = await Promise.all([ask(question('What is your name?', 'name')), ask(question('Confirm?', 'confirm', 'boolean'))]);
    return text(`Answers: ${answers.map((a) => JSON.stringify(a.content ?? {})).join(', ')}`);
  },
};

/**
 * The 2026-07-28 input-required scenarios, written the 2025-11-25 way: the tool sends its requests
 * to the client during the call and waits for their answers; toolgate turns them into
 * input-required results for a client of that revision. Where a scenario names the key of an input
 * request, the request names it in `_meta["dev.toolgate/input_key"]` (docs/gateway.md).
 */
const ask = {
  name: (extra, key = 'user_name', message = 'What is your name?') =>
    extra.sendRequest(
      {
        method: 'elicitation/create',
        params: {
          message,
          requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
          _meta: { 'dev.toolgate/input_key': key },
        },
      },
      ElicitResultSchema,
    ),
  sample: (extra, question = 'What is the capital of France?') =>
    extra.sendRequest(
      {
        method: 'sampling/createMessage',
        params: {
          messages: [{ role: 'user', content: { type: 'text', text: question } }],
          maxTokens: 100,
          _meta: { 'dev.toolgate/input_key': 'capital_question' },
        },
      },
      CreateMessageResultSchema,
    ),
  roots: (extra) => extra.sendRequest({ method: 'roots/list', params: { _meta: { 'dev.toolgate/input_key': 'client_roots' } } }, ListRootsResultSchema),
};

let cancellations = 0;
/** The servers of the open sessions: a list change is told to every one of them. */
const servers = new Set();

/** Tool bodies; `extra` sends messages related to the call, so they travel on its stream; `server` is the session's. */
const calls = {
  ...contentCalls,
  async test_slow({ ms = 1000 }, extra) {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      extra.signal.addEventListener('abort', () => (cancellations++, clearTimeout(timer), resolve()));
    });
    return text(extra.signal.aborted ? 'cancelled' : `slept ${ms} ms`);
  },
  test_cancellations: () => text(String(cancellations)),
  async test_tool_with_logging(_args, extra) {
    for (const [i, data] of ['Tool execution started', 'Tool processing data', 'Tool execution completed'].entries()) {
      if (i > 0) await sleep(50);
      await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', data } });
    }
    return text('Tool with logging executed successfully');
  },
  async test_tool_with_progress(_args, extra) {
    const progressToken = extra._meta?.progressToken;
    for (const progress of [0, 50, 100]) {
      if (progress > 0) await sleep(50);
      if (progressToken !== undefined) await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress, total: 100 } });
    }
    return text(`Progress reported for token ${String(progressToken)}`);
  },
  test_error_handling: () => {
    throw new Error('This tool intentionally returns an error for testing');
  },
  async test_reconnection(_args, extra) {
    extra.closeSSEStream?.();
    await sleep(100);
    return text('Reconnection test completed: the answer came after the stream closed.');
  },
  async test_sampling({ prompt }, extra) {
    const result = await extra.sendRequest(
      { method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens: 100 } },
      CreateMessageResultSchema,
    );
    return text(`LLM response: ${result.content?.text ?? ''}`);
  },
  async test_elicitation({ message }, extra) {
    const requestedSchema = {
      type: 'object',
      properties: { username: { type: 'string', description: "User's response" }, email: { type: 'string', description: "User's email address" } },
      required: ['username', 'email'],
    };
    const result = await extra.sendRequest({ method: 'elicitation/create', params: { message, requestedSchema } }, ElicitResultSchema);
    return text(`User response: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`);
  },
  test_elicitation_sep1034_defaults: (_args, extra) => elicited(extra, 'Please review and update the form fields with defaults', sep1034Schema),
  test_elicitation_sep1330_enums: (_args, extra) => elicited(extra, 'Please pick from the enum fields', sep1330Schema),
  json_schema_2020_12_tool: (args) => text(`Received: ${JSON.stringify(args)}`),
  test_input_required_result_elicitation: async (_args, extra) => text(`Hello, ${(await ask.name(extra)).content?.name}!`),
  test_input_required_result_sampling: async (_args, extra) => text(`Sampling said: ${(await ask.sample(extra)).content?.text}`),
  test_input_required_result_list_roots: async (_args, extra) => text(`Roots: ${(await ask.roots(extra)).roots.map((r) => r.uri).join(', ')}`),
  // The state is toolgate's: that the call goes on after the retry is what shows it was validated.
  test_input_required_result_request_state: async (_args, extra) => text(`state-ok: ${JSON.stringify((await ask.name(extra)).content)}`),
  test_input_required_result_tampered_state: async (_args, extra) => text(`state-ok: ${JSON.stringify((await ask.name(extra)).content)}`),
  async test_input_required_result_multiple_inputs(_args, extra) {
    const [named, sampled, roots] = await Promise.all([ask.name(extra), ask.sample(extra, 'Say hello'), ask.roots(extra)]);
    return text(`name=${named.content?.name}; sampled=${sampled.content?.text}; roots=${roots.roots.length}`);
  },
  async test_input_required_result_multi_round(_args, extra) {
    const first = await ask.name(extra, 'step1');
    const second = await extra.sendRequest(
      {
        method: 'elicitation/create',
        params: {
          message: 'What is your favourite colour?',
          requestedSchema: { type: 'object', properties: { color: { type: 'string' } }, required: ['color'] },
          _meta: { 'dev.toolgate/input_key': 'step2' },
        },
      },
      ElicitResultSchema,
    );
    return text(`name=${first.content?.name}; color=${second.content?.color}`);
  },
  // Asks for what the client declared (with `session: per-client`, toolgate declares what its client did).
  async test_input_required_result_capabilities(_args, extra, server) {
    const declared = server.getClientCapabilities() ?? {};
    const asked = [...(declared.elicitation ? [ask.name(extra)] : []), ...(declared.sampling ? [ask.sample(extra)] : [])];
    return text(`answered: ${(await Promise.all(asked)).length}`);
  },
  test_missing_capability: async (_args, extra) => text(`Sampling said: ${(await ask.sample(extra, 'Say hi')).content?.text}`),
  async test_streaming_elicitation(_args, extra) {
    const progressToken = extra._meta?.progressToken;
    if (progressToken !== undefined) await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: 50, total: 100 } });
    return text(`Streaming complete: ${(await ask.name(extra)).content?.name}`);
  },
  // Logs whatever the client asked for: the level is the client's to set (toolgate filters for 2026-07-28 clients).
  async test_logging_tool(_args, extra) {
    await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', data: 'Diagnostic trace logging activated' } });
    return text('Logging evaluated');
  },
  test_trigger_tool_change: () => (servers.forEach((s) => s.sendToolListChanged().catch(() => undefined)), text('Mutation triggered')),
  test_trigger_prompt_change: () => (servers.forEach((s) => s.sendPromptListChanged().catch(() => undefined)), text('Mutation triggered')),
};

async function elicited(extra, message, requestedSchema) {
  const result = await extra.sendRequest({ method: 'elicitation/create', params: { message, requestedSchema } }, ElicitResultSchema);
  return text(`Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`);
}

const resources = [
  { uri: 'test://static-text', name: 'static-text', description: 'A static text resource', mimeType: 'text/plain' },
  { uri: 'test://static-binary', name: 'static-binary', description: 'A static PNG', mimeType: 'image/png' },
  { uri: 'test://watched-resource', name: 'watched-resource', description: 'A resource to subscribe to', mimeType: 'text/plain' },
];

function read(uri) {
  if (uri === 'test://static-text') return { uri, mimeType: 'text/plain', text: 'This is the content of the static text resource.' };
  if (uri === 'test://static-binary') return { uri, mimeType: 'image/png', blob: PNG };
  if (uri === 'test://watched-resource') return { uri, mimeType: 'text/plain', text: 'Watched resource content' };
  const id = /^test:\/\/template\/([^/]+)\/data$/.exec(uri)?.[1];
  if (id !== undefined) return { uri, mimeType: 'application/json', text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }) };
  throw new McpError(-32602, 'Resource not found', { uri });
}

/** The prompts of the prompts scenarios, and one that asks its client for context. */
const allPrompts = [...prompts, { name: 'test_input_required_result_prompt', description: 'A prompt that asks its client for context' }];

function prompt(name, args) {
  const messages = promptMessages(name, args);
  if (!messages) throw new McpError(-32602, `unknown prompt: ${name}`);
  return messages;
}

/** The SDK's in-memory store, whose tasks/result answers a task that ended in a protocol error with that error. */
function taskStore() {
  const store = new InMemoryTaskStore();
  const protocolErrors = new Set();
  const getTaskResult = store.getTaskResult.bind(store);
  store.getTaskResult = async (taskId, sessionId) => {
    if (protocolErrors.has(taskId)) throw new McpError(-32603, 'protocol_error_job failed with an internal error');
    return getTaskResult(taskId, sessionId);
  };
  return { store, protocolErrors };
}

/** A task tool: as a task when the call asks for one (its result stored once it ends, unless cancelled), else at once. */
async function runTask(name, params, extra, protocolErrors) {
  const { ms, result, protocolError } = taskCalls[name](params.arguments ?? {});
  if (!params.task) {
    await sleep(ms);
    if (protocolError) throw new McpError(-32603, `${name} failed with an internal error`);
    return result;
  }
  const task = await extra.taskStore.createTask({ ttl: params.task.ttl ?? 60_000, pollInterval: 100 });
  if (protocolError) protocolErrors.add(task.taskId);
  setTimeout(() => {
    // A cancelled task stays cancelled: the store refuses a result for it.
    extra.taskStore.storeTaskResult(task.taskId, protocolError ? 'failed' : 'completed', result ?? { content: [] }).catch(() => undefined);
  }, ms);
  return { task };
}

/** A task tool that needs input: its task at once, its questions sent as the task's (queued for tasks/result). */
async function runInputTask(server, name, params, extra) {
  const task = await extra.taskStore.createTask({ ttl: params.task?.ttl ?? 60_000, pollInterval: 100 });
  const { taskId } = task;
  let asking = 0;
  const askClient = async (request) => {
    if (asking++ === 0) await extra.taskStore.updateTaskStatus(taskId, 'input_required');
    try {
      return await server.request(request, ElicitResultSchema, { relatedTask: { taskId } });
    } finally {
      if (--asking === 0) await extra.taskStore.updateTaskStatus(taskId, 'working').catch(() => undefined);
    }
  };
  inputTasks[name](params.arguments ?? {}, askClient)
    .then((result) => extra.taskStore.storeTaskResult(taskId, 'completed', result))
    .catch(() => undefined);
  return { task };
}

/** Asks for a name during the call (an input-required round for a 2026-07-28 client), then makes a task that greets it. */
async function namedThenTask(params, extra) {
  const answer = await ask.name(extra);
  const task = await extra.taskStore.createTask({ ttl: params.task?.ttl ?? 60_000, pollInterval: 100 });
  setTimeout(() => extra.taskStore.storeTaskResult(task.taskId, 'completed', text(`Hello, ${answer.content?.name}!`)).catch(() => undefined), 100);
  return { task };
}

function mcpServer() {
  const { store, protocolErrors } = taskStore();
  const server = new Server(
    { name: 'toolgate-conformance-reference', version: '1.0.0' },
    {
      capabilities: {
        tools: { listChanged: true },
        resources: { subscribe: true, listChanged: true },
        prompts: { listChanged: true },
        logging: {},
        completions: {},
        tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } },
      },
      taskStore: store,
      taskMessageQueue: new InMemoryTaskMessageQueue(),
    },
  );
  const subscriptions = new Set();
  servers.add(server);
  server.onclose = () => servers.delete(server);
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
  server.setRequestHandler(CallToolRequestSchema, async ({ params }, extra) => {
    if (params.name === 'greet') return text(`Hello, ${params.arguments?.name}!`);
    if (Object.hasOwn(taskCalls, params.name)) return runTask(params.name, params, extra, protocolErrors);
    if (Object.hasOwn(inputTasks, params.name)) return runInputTask(server, params.name, params, extra);
    if (params.name === 'test_tool_with_task') return namedThenTask(params, extra);
    const call = Object.hasOwn(calls, params.name) ? calls[params.name] : undefined;
    if (!call) throw new McpError(-32602, `unknown tool: ${params.name}`);
    try {
      return await call(params.arguments ?? {}, extra, server);
    } catch (err) {
      return { isError: true, content: [{ type: 'text', text: err.message }] };
    }
  });
  server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({
    resourceTemplates: [{ uriTemplate: 'test://template/{id}/data', name: 'template', description: 'Data by id', mimeType: 'application/json' }],
  }));
  server.setRequestHandler(ReadResourceRequestSchema, ({ params }) => ({ contents: [read(params.uri)] }));
  server.setRequestHandler(SubscribeRequestSchema, ({ params }) => (subscriptions.add(params.uri), {}));
  server.setRequestHandler(UnsubscribeRequestSchema, ({ params }) => (subscriptions.delete(params.uri), {}));
  server.setRequestHandler(ListPromptsRequestSchema, () => ({ prompts: allPrompts }));
  server.setRequestHandler(GetPromptRequestSchema, async ({ params }, extra) => {
    if (params.name !== 'test_input_required_result_prompt') return { messages: prompt(params.name, params.arguments) };
    const context = await ask.name(extra, 'context', 'What context should the prompt use?');
    return { messages: [{ role: 'user', content: { type: 'text', text: `Context: ${JSON.stringify(context.content ?? {})}` } }] };
  });
  server.setRequestHandler(CompleteRequestSchema, ({ params }) => {
    const options = ['paris', 'park', 'party'].filter((v) => v.startsWith(params.argument.value));
    return { completion: { values: options, total: options.length, hasMore: false } };
  });
  return server;
}

/** Events kept for resumption, per stream, for the life of the process (a test server's). */
function eventStore() {
  const events = new Map();
  let seq = 0;
  return {
    async storeEvent(streamId, message) {
      const id = `${streamId}_${String(++seq).padStart(8, '0')}`;
      events.set(id, { streamId, message });
      return id;
    },
    async getStreamIdForEventId(id) {
      return events.get(id)?.streamId;
    },
    async replayEventsAfter(lastId, { send }) {
      const streamId = events.get(lastId)?.streamId;
      for (const [id, e] of events) if (e.streamId === streamId && id > lastId && Object.keys(e.message).length > 0) await send(id, e.message);
      return streamId;
    },
  };
}

const transports = new Map();
const http = createServer(async (req, res) => {
  if (!fromLocalhost(req)) return refuseNotLocal(res);
  const id = req.headers['mcp-session-id'];
  let transport = typeof id === 'string' ? transports.get(id) : undefined;
  if (!transport && id === undefined && req.method === 'POST') {
    transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      eventStore: eventStore(),
      retryInterval: 100,
      onsessioninitialized: (sid) => transports.set(sid, transport),
      onsessionclosed: (sid) => transports.delete(sid),
    });
    await mcpServer().connect(transport);
  }
  if (!transport) {
    res.writeHead(id === undefined ? 400 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: id === undefined ? 'no session' : 'session not found' } }));
    return;
  }
  await transport.handleRequest(req, res);
});
http.listen(0, '127.0.0.1', () => process.stdout.write(`${http.address().port}\n`));
