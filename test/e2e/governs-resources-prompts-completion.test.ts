// Through the real `toolgate serve`: resources/read, resources/subscribe, prompts/get and
// completion/complete pass the same gate as tools/call. Without a permitting rule they are refused
// (SILENCE) with a signed receipt and the upstream never sees them; a rule naming the method (and,
// for resources, a URI glob) lets exactly those through; a held read runs once a reviewer approves.
// Listing methods and resources/unsubscribe stay open. Every receipt verifies, and so does the ledger.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { admin, receiptBody, root, servedForFile, TOKENS, toolgate, until } from './harness.js';

const files = join(root, 'test/fixtures/files-server.mjs');
const everything = join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const disk = mkdtempSync(join(tmpdir(), 'toolgate-files-'));
const log = join(disk, 'served.log');
for (const dir of ['allowed', 'held', 'private']) mkdirSync(join(disk, dir));
writeFileSync(join(disk, 'allowed/readme.txt'), 'public words');
writeFileSync(join(disk, 'held/report.txt'), 'reviewed words');
writeFileSync(join(disk, 'private/.env'), 'DB_PASSWORD=hunter2');
writeFileSync(log, '');
const url = (path: string) => pathToFileURL(join(disk, path)).href;
const served = () => readFileSync(log, 'utf8');

const POLICY = `version: toolgate.policy/v1
defaults: { effect: deny, on_error: deny }
rules:
  - id: read-allowed
    effect: allow
    match: { server: files, method: [resources/read, resources/subscribe], uri: "${url('allowed')}/**" }
  - id: read-held
    effect: require_approval
    match: { server: files, method: resources/read, uri: "${url('held')}/**" }
    approval: { approvers: ["group:dba"], quorum: 1, timeout: 15m, wait: 20s }
  - id: summarize-allowed
    effect: allow
    match: { server: files, method: prompts/get, tool: summarize }
    when: 'args.file.startsWith("${join(disk, 'allowed')}/")'
  - id: complete-summarize
    effect: allow
    match: { server: files, method: completion/complete, tool: summarize }
`;

const UPSTREAMS = `  files: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(files)}, ${JSON.stringify(disk)}, ${JSON.stringify(log)}] }
  ev: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(everything)}] }
`;

/** The JSON-RPC error a refused request gets, with the receipt envelope in its data. */
async function refusedWith(request: Promise<unknown>): Promise<{ code: number; message: string; data: Record<string, unknown> }> {
  const err = await request.then(
    () => {
      throw new Error('the request was answered, not refused');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(McpError);
  const { code, message, data } = err as McpError;
  return { code, message, data: data as Record<string, unknown> };
}

describe('methods other than tools/call are governed', () => {
  const gate = servedForFile({ policy: POLICY, upstreams: UPSTREAMS });
  const envelopes: unknown[] = [];
  const bodyOf = (data: Record<string, unknown>) => {
    envelopes.push(data['dev.toolgate/receipt']);
    return receiptBody({ _meta: data });
  };

  it('keeps listing open: resources, templates and prompts are listed without any rule', async () => {
    const client = gate.client();
    expect((await client.listResources()).resources.map((r) => r.uri)).toContain(url('private/.env'));
    expect((await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate)).toContain('file://{+path}');
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(expect.arrayContaining(['files__summarize', 'ev__simple-prompt']));
  });

  it('refuses resources/read without a permitting rule with a silence receipt, and the upstream never reads', async () => {
    const refused = await refusedWith(gate.client().readResource({ uri: url('private/.env') }));
    expect(refused.code).toBe(-32003);
    expect(refused.message).toContain('no policy rule permits');
    const body = bodyOf(refused.data);
    expect(body).toMatchObject({
      event: 'silence',
      call: { server: 'files', method: 'resources/read', uri: url('private/.env') },
      principal: { id: 'agent:ci' },
    });
    expect(JSON.stringify(refused)).not.toContain('hunter2');
    expect(served()).not.toContain('.env');
  });

  it('reads what a rule with a URI glob permits, with a complete receipt in _meta', async () => {
    const read = await gate.client().readResource({ uri: url('allowed/readme.txt') });
    expect(read.contents[0]).toMatchObject({ text: 'public words' });
    const envelope = (read._meta as Record<string, unknown>)['dev.toolgate/receipt'];
    envelopes.push(envelope);
    expect(receiptBody(read)).toMatchObject({
      event: 'complete',
      call: { server: 'files', method: 'resources/read', uri: url('allowed/readme.txt') },
      policy: { rules: ['read-allowed'], effect: 'permit' },
    });
    expect(served()).toContain(`read ${url('allowed/readme.txt')}`);
  });

  it('refuses a URI that leaves the permitted folder through dot segments', async () => {
    const sneaky = `${url('allowed')}/../private/.env`;
    const refused = await refusedWith(gate.client().readResource({ uri: sneaky }));
    expect(bodyOf(refused.data).event).toMatch(/deny|silence/);
    expect(served()).not.toContain('.env');
  });

  it('governs resources/subscribe; resources/unsubscribe needs no rule', async () => {
    const refused = await refusedWith(gate.client().subscribeResource({ uri: url('private/.env') }));
    expect(bodyOf(refused.data)).toMatchObject({ event: 'silence', call: { method: 'resources/subscribe' } });
    expect(served()).not.toContain('subscribe');
    await gate.client().subscribeResource({ uri: url('allowed/readme.txt') });
    expect(served()).toContain(`subscribe ${url('allowed/readme.txt')}`);
    await gate.client().unsubscribeResource({ uri: url('allowed/readme.txt') });
    await until(() => served().includes(`unsubscribe ${url('allowed/readme.txt')}`), 'the upstream unsubscribed');
  });

  it('governs prompts/get: the prompt name and its arguments are decided by policy', async () => {
    const ok = await gate.client().getPrompt({ name: 'files__summarize', arguments: { file: join(disk, 'allowed/readme.txt') } });
    expect(JSON.stringify(ok.messages)).toContain('Summarize');
    expect(receiptBody(ok)).toMatchObject({ event: 'complete', call: { method: 'prompts/get', tool: 'summarize' }, policy: { rules: ['summarize-allowed'] } });
    envelopes.push((ok._meta as Record<string, unknown>)['dev.toolgate/receipt']);
    const refused = await refusedWith(gate.client().getPrompt({ name: 'files__summarize', arguments: { file: join(disk, 'private/.env') } }));
    expect(bodyOf(refused.data)).toMatchObject({ event: 'silence', call: { method: 'prompts/get', tool: 'summarize' } });
    expect(served()).not.toContain(`prompt ${join(disk, 'private')}`);
    const everythings = await refusedWith(gate.client().getPrompt({ name: 'ev__simple-prompt' }));
    expect(bodyOf(everythings.data)).toMatchObject({ event: 'silence', call: { server: 'ev', method: 'prompts/get', tool: 'simple-prompt' } });
  });

  it('governs completion/complete for prompt and resource references', async () => {
    const ok = await gate
      .client()
      .complete({ ref: { type: 'ref/prompt', name: 'files__summarize' }, argument: { name: 'file', value: join(disk, 'allowed') } });
    expect(ok.completion.values).toEqual([join(disk, 'allowed/readme.txt')]);
    expect(receiptBody(ok)).toMatchObject({ event: 'complete', call: { method: 'completion/complete', tool: 'summarize' } });
    envelopes.push((ok._meta as Record<string, unknown>)['dev.toolgate/receipt']);
    const refused = await refusedWith(
      gate.client().complete({ ref: { type: 'ref/resource', uri: 'file://{+path}' }, argument: { name: 'path', value: join(disk, 'private') } }),
    );
    expect(bodyOf(refused.data)).toMatchObject({ event: 'silence', call: { method: 'completion/complete', uri: 'file://{+path}' } });
    expect(served()).not.toContain(`complete ${join(disk, 'private')}`);
  });

  it('holds a resources/read for a reviewer and reads once it is approved', async () => {
    const reading = gate.client().readResource({ uri: url('held/report.txt') }, { timeout: 60_000 });
    const approval = await until(async () => {
      const { json } = await admin(gate.served(), '/api/approvals?status=pending', TOKENS.alice);
      return (json.approvals as Array<{ id: string }>).find((a) => JSON.stringify(a).includes('report.txt'));
    }, 'a pending approval for the held read');
    expect(served()).not.toContain('report.txt');
    expect((await admin(gate.served(), `/api/approvals/${approval.id}/approve`, TOKENS.alice, { note: 'fine' })).status).toBe(200);
    const read = await reading;
    expect(read.contents[0]).toMatchObject({ text: 'reviewed words' });
    expect(receiptBody(read)).toMatchObject({
      event: 'complete',
      call: { method: 'resources/read' },
      approval: { id: approval.id, decided_by: ['user:alice'] },
    });
    envelopes.push((read._meta as Record<string, unknown>)['dev.toolgate/receipt']);
  });

  it('gives receipts that verify one by one, and a ledger that verifies as a whole', async () => {
    const keyring = join(gate.served().dir, 'keys/keyring.json');
    expect(envelopes.length).toBeGreaterThanOrEqual(10);
    const verified = toolgate(['verify', '-', '--keyring', keyring], envelopes.map((e) => JSON.stringify(e)).join('\n'));
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout.match(/^OK /gm)).toHaveLength(envelopes.length);
    await gate.client().close();
    expect(await gate.served().stop('SIGTERM')).toBe(0);
    const ledger = toolgate(['ledger', 'verify', '--dir', join(gate.served().dir, 'ledger'), '--keyring', keyring]);
    expect(ledger.status, ledger.stdout + ledger.stderr).toBe(0);
  });
});
