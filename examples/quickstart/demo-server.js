// A demo MCP server for the quickstart: a few harmless tools and the notes they write, kept in
// memory (no network, no files). toolgate starts it as a stdio upstream.
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'toolgate-demo', version: '1.0.0' });
const notes = new Map();
const text = (value) => ({ content: [{ type: 'text', text: String(value) }] });

server.registerTool(
  'echo',
  { description: 'Echo the text back.', inputSchema: { text: z.string() }, annotations: { readOnlyHint: true } },
  async ({ text: t }) => text(t),
);

server.registerTool(
  'add',
  { description: 'Add two numbers.', inputSchema: { a: z.number(), b: z.number() }, annotations: { readOnlyHint: true } },
  async ({ a, b }) => ({
    ...text(a + b),
    structuredContent: { sum: a + b },
  }),
);

server.registerTool('get_time', { description: 'The current time (ISO 8601, UTC).', inputSchema: {}, annotations: { readOnlyHint: true } }, async () =>
  text(new Date().toISOString()),
);

server.registerTool(
  'write_note',
  {
    description: 'Keep a note under a name (in memory).',
    inputSchema: { name: z.string().regex(/^[\w-]{1,64}$/), body: z.string().max(10_000) },
    annotations: { destructiveHint: false },
  },
  async ({ name, body }) => {
    notes.set(name, body);
    server.sendResourceListChanged();
    return text(`saved note ${name}`);
  },
);

server.registerResource(
  'note',
  new ResourceTemplate('note://{name}', {
    list: async () => ({ resources: [...notes.keys()].map((name) => ({ uri: `note://${name}`, name })) }),
  }),
  { description: 'A note written with write_note.' },
  async (uri, { name }) => ({ contents: [{ uri: uri.href, text: notes.get(String(name)) ?? '' }] }),
);

await server.connect(new StdioServerTransport());
