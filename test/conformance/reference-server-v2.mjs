// The 2026-07-28 reference server for the conformance run: a Streamable HTTP MCP server on the v2
// SDK (@modelcontextprotocol/server, `createMcpHandler`) implementing what the conformance suite's
// 2026-07-28 server scenarios ask of the server under test, plus the tools of the 2025-11-25 ones
// (reference-server.mjs) written once for both eras: a tool that needs the client's input returns
// an input-required result, which a 2026-07-28 client fulfils itself and the SDK's legacy shim
// turns into server-to-client requests on a 2025-11-25 session. 2025-11-25 traffic is served
// stateless (the SDK's default posture): one server instance per request, no session. Written here
// because the suite's own reference server lives in its repository (and is on the v1 SDK), not in
// the npm package. Prints its port on stdout.
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import {
  createMcpHandler,
  createRequestStateCodec,
  inputRequired,
  inputResponse,
  LOG_LEVEL_META_KEY,
  ProtocolError,
  Server,
} from '@modelcontextprotocol/server';
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

const ask = (message, properties, required = Object.keys(properties)) =>
  inputRequired.elicit({ message, requestedSchema: { type: 'object', properties, required } });
const sample = (prompt, maxTokens = 100) => inputRequired.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens });
/** The accepted form content of an elicitation answer. */
const answered = (ctx, key) => {
  const view = inputResponse(ctx.mcpReq.inputResponses, key);
  return view.kind === 'elicit' && view.action === 'accept' ? (view.content ?? {}) : undefined;
};
const raw = (ctx, key) => ctx.mcpReq.inputResponses?.[key];

/** Integrity-protected request state (the tampered-state scenario checks that a changed one is refused). */
const states = createRequestStateCodec({ key: `toolgate-conformance-v2-${process.pid}-0123456789abcdef0123456789` });

let cancellations = 0;

const tool = (name, description, inputSchema = noArgs) => ({ name, description, inputSchema });
const tools = [
  tool('test_simple_text', 'Returns simple text'),
  tool('test_image_content', 'Returns an image'),
  tool('test_audio_content', 'Returns audio'),
  tool('test_embedded_resource', 'Returns an embedded resource'),
  tool('test_multiple_content_types', 'Returns text, an image and a resource'),
  tool('test_tool_with_logging', 'Logs three messages while it runs'),
  tool('test_tool_with_progress', 'Reports progress while it runs'),
  tool('test_error_handling', 'Always fails'),
  tool('test_slow', 'Answers after the given milliseconds, unless cancelled', { type: 'object', properties: { ms: { type: 'number' } } }),
  tool('test_cancellations', 'How many test_slow calls were cancelled'),
  tool('test_request_headers', 'The MCP request headers this call came with'),
  tool('test_sampling', 'Asks the client for a completion', { type: 'object', properties: { prompt: { type: 'string' } }, required: ['prompt'] }),
  tool('test_elicitation', 'Asks the user for input', { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] }),
  tool('test_elicitation_sep1034_defaults', 'Elicitation with defaults (SEP-1034)'),
  tool('test_elicitation_sep1330_enums', 'Elicitation with enum forms (SEP-1330)'),
  tool('test_reconnection', 'Answers after a pause (2025-11-25 SSE polling; nothing to resume here)'),
  tool('json_schema_2020_12_tool', 'Tool with JSON Schema 2020-12 features', schema2020),
  tool('test_missing_capability', 'Needs the sampling capability'),
  tool('test_input_required_result_elicitation', 'Input required: elicitation'),
  tool('test_input_required_result_sampling', 'Input required: sampling'),
  tool('test_input_required_result_list_roots', 'Input required: roots/list'),
  tool('test_input_required_result_request_state', 'Input required with request state'),
  tool('test_input_required_result_multiple_inputs', 'Input required: several requests at once'),
  tool('test_input_required_result_multi_round', 'Input required over two rounds'),
  tool('test_input_required_result_tampered_state', 'Input required with integrity-protected state'),
  tool('test_input_required_result_capabilities', 'Input required: only what the client declared'),
  tool('test_streaming_elicitation', 'Reports progress on the response stream'),
  tool('test_logging_tool', 'Logs only when the request asks for a log level'),
  tool('test_trigger_tool_change', 'Tells listen streams the tool list changed'),
  tool('test_trigger_prompt_change', 'Tells listen streams the prompt list changed'),
];

/** Tool bodies, each written once for both eras (input-required results; the SDK's shim on 2025-11-25). */
const calls = {
  ...contentCalls,
  async test_tool_with_logging(_args, ctx) {
    for (const [i, data] of ['Tool execution started', 'Tool processing data', 'Tool execution completed'].entries()) {
      if (i > 0) await sleep(50);
      await ctx.mcpReq.log('info', data);
    }
    return text('Tool with logging executed successfully');
  },
  async test_tool_with_progress(_args, ctx) {
    const progressToken = ctx.mcpReq._meta?.progressToken;
    for (const progress of [0, 50, 100]) {
      if (progress > 0) await sleep(50);
      if (progressToken !== undefined) await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, progress, total: 100 } });
    }
    return text(`Progress reported for token ${String(progressToken)}`);
  },
  test_error_handling: () => {
    throw new Error('This tool intentionally returns an error for testing');
  },
  async test_slow({ ms = 1000 }, ctx) {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      ctx.mcpReq.signal.addEventListener('abort', () => (cancellations++, clearTimeout(timer), resolve()));
    });
    return text(ctx.mcpReq.signal.aborted ? 'cancelled' : `slept ${ms} ms`);
  },
  test_cancellations: () => text(String(cancellations)),
  test_request_headers: (_args, _ctx, request) =>
    text(JSON.stringify(Object.fromEntries(['mcp-protocol-version', 'mcp-method', 'mcp-name'].map((h) => [h, request?.headers.get(h) ?? null])))),
  test_sampling({ prompt }, ctx) {
    const result = raw(ctx, 'sample');
    if (!result) return inputRequired({ inputRequests: { sample: sample(prompt) } });
    return text(`LLM response: ${result.content?.text ?? ''}`);
  },
  test_elicitation({ message }, ctx) {
    const result = raw(ctx, 'answer');
    if (!result) {
      const properties = { username: { type: 'string', description: "User's response" }, email: { type: 'string', description: "User's email address" } };
      return inputRequired({ inputRequests: { answer: ask(message, properties) } });
    }
    return text(`User response: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`);
  },
  test_elicitation_sep1034_defaults: (_args, ctx) => elicited(ctx, 'Please review and update the form fields with defaults', sep1034Schema),
  test_elicitation_sep1330_enums: (_args, ctx) => elicited(ctx, 'Please pick from the enum fields', sep1330Schema),
  async test_reconnection() {
    await sleep(100);
    return text('Reconnection test completed: the answer came after the stream closed.');
  },
  json_schema_2020_12_tool: (args) => text(`Received: ${JSON.stringify(args)}`),
  test_missing_capability: (_args, ctx) => (raw(ctx, 'sample') ? text('Success') : inputRequired({ inputRequests: { sample: sample('Say hi', 10) } })),
  test_input_required_result_elicitation: (_args, ctx) => {
    const form = answered(ctx, 'user_name');
    return form ? text(`Hello, ${form.name}!`) : inputRequired({ inputRequests: { user_name: ask('What is your name?', { name: { type: 'string' } }) } });
  },
  test_input_required_result_sampling: (_args, ctx) => {
    const result = raw(ctx, 'sample_request');
    if (result) return text(`Sampling result: ${result.content?.text ?? 'no response'}`);
    return inputRequired({ inputRequests: { sample_request: sample('What is the capital of France?') } });
  },
  test_input_required_result_list_roots: (_args, ctx) => {
    const result = raw(ctx, 'roots_request');
    if (result) return text(`Found ${Array.isArray(result.roots) ? result.roots.length : 0} root(s)`);
    return inputRequired({ inputRequests: { roots_request: inputRequired.listRoots() } });
  },
  async test_input_required_result_request_state(_args, ctx) {
    const state = ctx.mcpReq.requestState();
    if (state?.kind === 'request-state' && answered(ctx, 'confirm')?.ok === true) return text('state-ok: requestState validated');
    return inputRequired({
      inputRequests: { confirm: ask('Please confirm', { ok: { type: 'boolean' } }) },
      requestState: await states.mint({ kind: 'request-state' }),
    });
  },
  async test_input_required_result_multiple_inputs(_args, ctx) {
    const name = answered(ctx, 'user_name');
    const greeting = raw(ctx, 'greeting');
    const roots = raw(ctx, 'client_roots');
    if (ctx.mcpReq.requestState()?.kind === 'multiple-inputs' && name && greeting && roots) {
      return text(`Name: ${name.name}; Greeting: ${greeting.content?.text ?? 'Hello there!'}; Roots: ${roots.roots?.length ?? 0}`);
    }
    return inputRequired({
      inputRequests: {
        user_name: ask('What is your name?', { name: { type: 'string' } }),
        greeting: sample('Generate a greeting', 50),
        client_roots: inputRequired.listRoots(),
      },
      requestState: await states.mint({ kind: 'multiple-inputs' }),
    });
  },
  async test_input_required_result_multi_round(_args, ctx) {
    const state = ctx.mcpReq.requestState();
    const step1 = answered(ctx, 'step1');
    const step2 = answered(ctx, 'step2');
    if (state?.round === 1 && step1) {
      return inputRequired({
        inputRequests: { step2: ask('Step 2: What is your favorite color?', { color: { type: 'string' } }) },
        requestState: await states.mint({ round: 2, name: step1.name }),
      });
    }
    if (state?.round === 2 && step2) return text(`Multi-round complete for ${state.name} who likes ${step2.color}`);
    return inputRequired({
      inputRequests: { step1: ask('Step 1: What is your name?', { name: { type: 'string' } }) },
      requestState: await states.mint({ round: 1 }),
    });
  },
  async test_input_required_result_tampered_state(_args, ctx) {
    if (ctx.mcpReq.requestState()?.kind === 'tamper-test' && raw(ctx, 'confirm')) return text('integrity-ok: state verified');
    return inputRequired({
      inputRequests: { confirm: ask('Please confirm', { ok: { type: 'boolean' } }) },
      requestState: await states.mint({ kind: 'tamper-test' }),
    });
  },
  async test_input_required_result_capabilities(_args, ctx) {
    const responses = ctx.mcpReq.inputResponses ?? {};
    if (Object.keys(responses).length > 0) return text(`capabilities-ok: received ${Object.keys(responses).join(',')}`);
    const declared = ctx.mcpReq.envelope?.['io.modelcontextprotocol/clientCapabilities'] ?? {};
    const inputRequests = {
      ...(declared.elicitation ? { elicit_input: ask('Elicitation input', { value: { type: 'string' } }) } : {}),
      ...(declared.sampling ? { sample_input: sample('Sample request', 50) } : {}),
    };
    if (Object.keys(inputRequests).length === 0) return text('No supported capabilities declared');
    return inputRequired({ inputRequests, requestState: await states.mint({ kind: 'capabilities-test' }) });
  },
  async test_streaming_elicitation(_args, ctx) {
    const progressToken = ctx.mcpReq._meta?.progressToken;
    if (progressToken !== undefined) await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, progress: 50, total: 100 } });
    return text('Streaming complete');
  },
  async test_logging_tool(_args, ctx) {
    if (ctx.mcpReq.envelope?.[LOG_LEVEL_META_KEY] !== undefined) await ctx.mcpReq.log('info', 'Diagnostic trace logging activated');
    return text('Logging evaluated');
  },
  test_trigger_tool_change: () => (handler.notify.toolsChanged(), text('Mutation triggered')),
  test_trigger_prompt_change: () => (handler.notify.promptsChanged(), text('Mutation triggered')),
};

function elicited(ctx, message, requestedSchema) {
  const result = raw(ctx, 'form');
  if (!result) return inputRequired({ inputRequests: { form: inputRequired.elicit({ message, requestedSchema }) } });
  return text(`Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`);
}

const resources = [
  { uri: 'test://static-text', name: 'static-text', description: 'A static text resource', mimeType: 'text/plain' },
  { uri: 'test://static-binary', name: 'static-binary', description: 'A static PNG', mimeType: 'image/png' },
  { uri: 'test://stateless-text', name: 'stateless-text', description: 'A text resource only this server serves', mimeType: 'text/plain' },
];

function read(uri) {
  if (uri === 'test://static-text') return { uri, mimeType: 'text/plain', text: 'This is the content of the static text resource.' };
  if (uri === 'test://static-binary') return { uri, mimeType: 'image/png', blob: PNG };
  if (uri === 'test://stateless-text') return { uri, mimeType: 'text/plain', text: 'Served by the 2026-07-28 reference server.' };
  const id = /^test:\/\/template\/([^/]+)\/data$/.exec(uri)?.[1];
  if (id !== undefined) return { uri, mimeType: 'application/json', text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }) };
  throw new ProtocolError(-32602, 'Resource not found', { uri });
}

/** The prompts of the prompts scenarios, and one that needs input. */
const allPrompts = [...prompts, { name: 'test_input_required_result_prompt', description: 'A prompt that needs the user to give context' }];

function prompt(name, args, ctx) {
  if (name === 'test_input_required_result_prompt') {
    const form = answered(ctx, 'user_context');
    if (!form) return inputRequired({ inputRequests: { user_context: ask('What context should the prompt use?', { context: { type: 'string' } }) } });
    return { messages: [{ role: 'user', content: { type: 'text', text: `Prompt with context: ${form.context}` } }] };
  }
  const messages = promptMessages(name, args);
  if (!messages) throw new ProtocolError(-32602, `unknown prompt: ${name}`);
  return { messages };
}

function mcpServer(request) {
  const server = new Server(
    { name: 'toolgate-conformance-reference-v2', version: '1.0.0' },
    {
      capabilities: { tools: { listChanged: true }, resources: { listChanged: true }, prompts: { listChanged: true }, logging: {}, completions: {} },
      requestState: { verify: states.verify },
    },
  );
  server.setRequestHandler('tools/list', () => ({ tools }));
  server.setRequestHandler('tools/call', async ({ params }, ctx) => {
    const call = Object.hasOwn(calls, params.name) ? calls[params.name] : undefined;
    if (!call) throw new ProtocolError(-32602, `unknown tool: ${params.name}`);
    try {
      return await call(params.arguments ?? {}, ctx, request);
    } catch (err) {
      if (err instanceof ProtocolError) throw err;
      return { isError: true, content: [{ type: 'text', text: err.message }] };
    }
  });
  server.setRequestHandler('resources/list', () => ({ resources }));
  server.setRequestHandler('resources/templates/list', () => ({
    resourceTemplates: [{ uriTemplate: 'test://template/{id}/data', name: 'template', description: 'Data by id', mimeType: 'application/json' }],
  }));
  server.setRequestHandler('resources/read', ({ params }) => ({ contents: [read(params.uri)] }));
  server.setRequestHandler('prompts/list', () => ({ prompts: allPrompts }));
  server.setRequestHandler('prompts/get', ({ params }, ctx) => prompt(params.name, params.arguments, ctx));
  server.setRequestHandler('completion/complete', ({ params }) => {
    const options = ['paris', 'park', 'party'].filter((v) => v.startsWith(params.argument.value));
    return { completion: { values: options, total: options.length, hasMore: false } };
  });
  return server;
}

const handler = createMcpHandler(({ requestInfo }) => mcpServer(requestInfo));

const http = createServer(async (req, res) => {
  if (!fromLocalhost(req)) return refuseNotLocal(res);
  const aborted = new AbortController();
  res.once('close', () => aborted.abort());
  const request = new Request(`http://${req.headers.host}${req.url}`, {
    method: req.method,
    headers: Object.entries(req.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])),
    body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Readable.toWeb(req),
    duplex: 'half',
    signal: aborted.signal,
  });
  const response = await handler.fetch(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body) return void res.end();
  try {
    for await (const chunk of response.body) res.write(chunk);
  } catch {
    // the client went away
  }
  res.end();
});
http.listen(0, '127.0.0.1', () => process.stdout.write(`${http.address().port}\n`));
