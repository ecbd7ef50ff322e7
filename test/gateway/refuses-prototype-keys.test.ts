// Arguments with the keys `__proto__`, `constructor` or `prototype`, at any depth, are refused with
// a DENY receipt naming where the key is, and never reach the upstream: a policy condition such as
// `has(args.danger)` does not see `{"__proto__":{"danger":1}}`, but an upstream that merges the
// arguments with Object.assign does.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import type { Gateway } from '../../src/gateway/index.js';
import { compileBundle, decider } from '../../src/policy/index.js';
import { gatewayWithLedger, node, receiptOf, root, text } from './helpers.js';
import { rawHttpSession, type Reply } from './raw-clients.js';

const POLICY = `version: toolgate.policy/v1
rules:
  - id: rec-open
    effect: allow
    match: { server: rec, tool: merge }
  - id: no-danger
    effect: deny
    match: { server: rec, tool: merge }
    when: 'has(args.danger)'
`;

let gateway: Gateway;
let post: (message: unknown) => Promise<Reply>;
let recordFile: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-proto-'));
  recordFile = join(dir, 'received.jsonl');
  writeFileSync(recordFile, '');
  const file = join(dir, 'toolgate.yaml');
  const server = JSON.stringify(join(root, 'test/fixtures/recording-server.mjs'));
  const yaml = `listen: { http: { port: 0 } }\nupstreams:\n  rec: { command: ${JSON.stringify(node)}, args: [${server}, ${JSON.stringify(recordFile)}] }\n`;
  writeFileSync(file, yaml);
  const { config } = parseConfig(file, yaml);
  gateway = await gatewayWithLedger({ config, decider: decider(compileBundle([{ file: 'policy.yaml', text: POLICY }])) });
  ({ post } = await rawHttpSession(gateway.http!.url));
});
afterAll(() => gateway?.close());

/** A tools/call of rec__merge whose arguments are the JSON text given (JSON.stringify would drop a __proto__ key). */
async function merge(id: string, argumentsJson: string) {
  const body = `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"method":"tools/call","params":{"name":"rec__merge","arguments":${argumentsJson}}}`;
  const reply = JSON.parse((await post(body)).body);
  expect(reply.id).toBe(id);
  return reply.result;
}

const received = () => readFileSync(recordFile, 'utf8');

test('the upstream does see plain arguments, and the policy denies a visible danger key', async () => {
  expect(JSON.parse(text(await merge('plain', '{"safe":1,"text":"constructor"}')))).toEqual({ keys: ['safe', 'text'], danger: null });
  expect(receiptOf(await merge('visible', '{"danger":1}'))).toMatchObject({ event: 'deny', policy: { rules: ['no-danger'] } });
  expect(received()).toContain('"safe":1');
});

test('a __proto__ key in the arguments is denied with a receipt naming it, and the upstream never sees the call', async () => {
  const result = await merge('proto', '{"__proto__":{"danger":1}}');
  expect(result.isError).toBe(true);
  const receipt = receiptOf(result);
  expect(receipt).toMatchObject({ event: 'deny', policy: { effect: 'deny' } });
  expect(receipt.policy.reason).toContain('args.__proto__');
  expect(text(result)).toContain('args.__proto__');
  expect(received()).not.toContain('__proto__');
});

test('constructor and prototype keys are refused at any depth, inside objects and lists', async () => {
  const nested = await merge('nested', '{"a":[{"b":{"constructor":{"prototype":{"danger":1}}}}]}');
  expect(receiptOf(nested)).toMatchObject({ event: 'deny' });
  expect(receiptOf(nested).policy.reason).toContain('args.a[0].b.constructor');
  const prototype = await merge('prototype', '{"list":[1,{"prototype":{}}]}');
  expect(receiptOf(prototype).policy.reason).toContain('args.list[1].prototype');
  expect(received()).not.toMatch(/constructor"\s*:|prototype"\s*:/);
});
