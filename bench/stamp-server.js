// A stdio MCP server with one tool, `stamp`, that answers with the wall-clock time (ms, sub-ms
// precision) at which it received the call: the approval bench measures "approve -> upstream".
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const server = new Server({ name: 'stamp', version: '1.0.0' }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [{ name: 'stamp', inputSchema: { type: 'object' } }] }));
server.setRequestHandler(CallToolRequestSchema, async () => ({ content: [{ type: 'text', text: String(performance.timeOrigin + performance.now()) }] }));
await server.connect(new StdioServerTransport());
