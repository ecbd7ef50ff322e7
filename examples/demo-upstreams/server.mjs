#!/usr/bin/env node
// A stand-in MCP server for the payments and production-database examples: the same tool names and
// arguments as the starter policies expect, with in-memory effects, over stdio.
// Usage: node server.mjs payments | database
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const kind = process.argv[2];
const text = (value) => ({ content: [{ type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value) }] });
const server = new McpServer({ name: `demo-${kind}`, version: '0.1.0' });

if (kind === 'payments') {
  let balance = 100_000;
  const transactions = [];
  server.registerTool('get_balance', { description: 'Current balance in EUR' }, () => text({ balance, currency: 'EUR' }));
  server.registerTool('list_transactions', { description: 'Transfers made so far' }, () => text(transactions));
  server.registerTool(
    'transfer',
    {
      description: 'Transfer money to an account',
      inputSchema: { amount: z.number(), currency: z.string(), to: z.string() },
    },
    ({ amount, currency, to }) => {
      balance -= amount;
      transactions.push({ amount, currency, to });
      return text(`transferred ${amount} ${currency} to ${to}`);
    },
  );
} else if (kind === 'database') {
  const users = [
    { id: 1, plan: 'free' },
    { id: 7, plan: 'free' },
  ];
  server.registerTool('query', { description: 'Run a read-only SQL query', inputSchema: { sql: z.string() } }, () => text(users));
  server.registerTool('execute_sql', { description: 'Run a SQL statement that changes data', inputSchema: { sql: z.string() } }, ({ sql }) =>
    text(`executed: ${sql.slice(0, 200)}`),
  );
} else {
  process.stderr.write('usage: server.mjs payments | database\n');
  process.exit(2);
}

await server.connect(new StdioServerTransport());
