// `toolgate ledger prove` for a receipt newer than the last checkpoint, against the real
// `toolgate serve`: without a way to ask the gateway it says how to get one; with the admin URL and
// a reviewer token it asks the running gateway to write a checkpoint now (POST
// /api/ledger/checkpoint) and proves against it; the proof verifies offline.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { admin, receiptBody, servedForFile, TOKENS, toolgate } from './harness.js';

const POLICY = `version: toolgate.policy/v1
rules:
  - id: echo-ok
    effect: allow
    match: { server: fx, tool: echo }
`;

describe('ledger prove of a fresh receipt', () => {
  const gate = servedForFile({ policy: POLICY });
  const ledgerDir = () => join(gate.served().dir, 'ledger');
  const fresh = async () =>
    receiptBody(await gate.client().callTool({ name: 'fx__echo', arguments: { text: 'hi' } })) as { id: string; chain: { seq: number } };

  it('says the receipt is newer than the last checkpoint and how to get one now, or wait', async () => {
    const receipt = await fresh();
    const run = toolgate(['ledger', 'prove', receipt.id, '--dir', ledgerDir()]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`receipt ${receipt.id} (seq ${receipt.chain.seq}) is newer than the latest checkpoint`);
    expect(run.stderr).toMatch(/--token .*POST \/api\/ledger\/checkpoint.*--wait/s);
  });

  it('asks the running gateway for a checkpoint through the admin API, and proves against it', async () => {
    const receipt = await fresh();
    const run = toolgate(['ledger', 'prove', receipt.id, '--dir', ledgerDir(), '--url', gate.served().adminUrl, '--token', TOKENS.bob]);
    expect(run.stderr).toMatch(/asked the gateway for a checkpoint: it covers \d+ receipts/);
    expect(run.status).toBe(0);
    const proof = JSON.parse(run.stdout);
    expect(proof).toMatchObject({ leaf_index: receipt.chain.seq, tree_size: receipt.chain.seq + 1 });
    const verified = toolgate(['verify', '-', '--proof', '--keyring', join(gate.served().dir, 'keys/keyring.json')], run.stdout);
    expect(verified).toMatchObject({ status: 0, stdout: expect.stringMatching(/^OK {3}stdin: .*included in checkpoint of/) });
  });

  it('writes a checkpoint on demand for a reviewer, and for nobody else', async () => {
    expect((await fetch(`${gate.served().adminUrl}/api/ledger/checkpoint`, { method: 'POST' })).status).toBe(401);
    const receipt = await fresh();
    const made = await admin(gate.served(), '/api/ledger/checkpoint', TOKENS.carol, {});
    expect(made).toMatchObject({ status: 200, json: { size: receipt.chain.seq + 1 } });
    const again = await admin(gate.served(), '/api/ledger/checkpoint', TOKENS.carol, {});
    expect(again.json.size).toBe(receipt.chain.seq + 1);
  });

  it('names the admin API it could not reach', async () => {
    const receipt = await fresh();
    const run = toolgate(['ledger', 'prove', receipt.id, '--dir', ledgerDir(), '--url', 'http://127.0.0.1:9', '--token', TOKENS.bob]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('cannot reach the admin API at http://127.0.0.1:9');
  });
});
