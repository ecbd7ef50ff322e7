// Through the real `toolgate serve` with two upstreams: the receipts of a call that ran name the
// upstream it ran on by the hash of its configured command and arguments (docs/receipts.md §1.3),
// which an auditor recomputes from the configuration alone; a refused call names none.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReceipts } from '../../src/ledger/index.js';
import { fixture, receiptBody, servedForFile } from './harness.js';

const POLICY = `version: toolgate.policy/v1
defaults: { effect: deny, on_error: deny }
rules:
  - id: echo-ok
    effect: allow
    match: { server: [fx, twin], tool: echo }
    when: '!args.text.contains("forbidden")'
  - id: echo-forbidden
    effect: deny
    match: { server: fx, tool: echo }
    when: 'args.text.contains("forbidden")'
`;

/** The identity as docs/receipts.md §1.3 defines it, written out here: sha256 of the RFC 8785 form of {kind, command, args}. */
const identity = (args: string[]) =>
  createHash('sha256')
    .update(JSON.stringify({ args, command: process.execPath, kind: 'stdio' }))
    .digest('hex');

describe('receipts say what ran where', () => {
  const gate = servedForFile({
    policy: POLICY,
    upstreams: `  twin: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(fixture)}, "--twin"], env: { SECRET: "s3cr3t" } }\n`,
  });

  it("names each call's upstream by the hash of its configured command and arguments, on the permit and the complete", async () => {
    const fx = receiptBody(await gate.client().callTool({ name: 'fx__echo', arguments: { text: 'one' } }));
    const twin = receiptBody(await gate.client().callTool({ name: 'twin__echo', arguments: { text: 'two' } }));
    expect(fx).toMatchObject({ event: 'complete', call: { server: 'fx', upstream_sha256: identity([fixture]) } });
    expect(twin).toMatchObject({ event: 'complete', call: { server: 'twin', upstream_sha256: identity([fixture, '--twin']) } });
    const permits = [];
    for await (const r of readReceipts(join(gate.served().dir, 'ledger'))) if (r.body.event === 'permit') permits.push(r.body);
    expect(permits.map((b) => ('call' in b ? b.call.upstream_sha256 : undefined))).toEqual([fx.call.upstream_sha256, twin.call.upstream_sha256]);
  });

  it('names no upstream on a refused call: nothing ran', async () => {
    const denied = receiptBody(await gate.client().callTool({ name: 'fx__echo', arguments: { text: 'forbidden' } }));
    expect(denied.event).toBe('deny');
    expect(denied.call.upstream_sha256).toBeUndefined();
  });
});
