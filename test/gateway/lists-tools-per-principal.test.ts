// Visibility: tools/list shows each session only the tools its principal may see, while a call to a
// hidden tool still goes to the gate (hiding is a convenience; the gate is the enforcement).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { CallRequest, Decider } from '../../src/core/index.js';
import type { Gateway } from '../../src/gateway/index.js';
import { fixture, gatewayFrom, httpClient, permitAll, receiptOf, stdioUpstream } from './helpers.js';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const decided: CallRequest[] = [];
const recording: Decider = (request) => (decided.push(request), permitAll(request));
let gateway: Gateway;

beforeAll(async () => {
  const yaml = `listen: { http: { port: 0 } }
principals:
  - { id: "agent:ops", token_sha256: "${sha('ops')}", groups: [ops] }
  - { id: "agent:intern", token_sha256: "${sha('intern')}", groups: [] }
upstreams:
  fx: ${stdioUpstream(fixture)}
`;
  // Only ops may see the tools that change things.
  const visibleTo = (p: { groups: string[] }, _server: string, tool: string) => p.groups.includes('ops') || !['crash', 'register', 'grandchild'].includes(tool);
  gateway = await gatewayFrom(yaml, recording, { visibleTo });
});
afterAll(() => gateway?.close());

test('each principal lists only the tools visible to it', async () => {
  const ops = await httpClient(gateway.http!.url, { token: 'ops' });
  const intern = await httpClient(gateway.http!.url, { token: 'intern' });
  const opsNames = (await ops.listTools()).tools.map((t) => t.name);
  const internNames = (await intern.listTools()).tools.map((t) => t.name);
  expect(opsNames).toEqual(expect.arrayContaining(['fx__crash', 'fx__register', 'fx__echo']));
  expect(internNames).toContain('fx__echo');
  expect(internNames).not.toContain('fx__crash');
  expect(internNames).not.toContain('fx__register');
  expect(internNames.length).toBe(opsNames.length - 3);
  await ops.close();
  await intern.close();
});

test('a call to a tool hidden from the principal still goes to the gate, which decides it', async () => {
  const intern = await httpClient(gateway.http!.url, { token: 'intern' });
  decided.length = 0;
  const result = await intern.callTool({ name: 'fx__register', arguments: { name: 'late' } });
  expect(decided.map((r) => [r.principal.id, r.tool])).toEqual([['agent:intern', 'register']]);
  expect(receiptOf(result).event).toBe('complete');
  await intern.close();
});
