// One line per call through a real pino logger: by default no argument value reaches the output
// (only args_sha256); `redacted` keeps the shape only; `full` honours the configured redaction paths.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { CallRequest } from '../../src/core/index.js';
import { callLogger, type CallLogOptions } from '../../src/metrics/index.js';
import { canonicalSha256 } from '../../src/receipts/index.js';

const args = { path: '/srv/notes.txt', auth: { password: 'hunter2-SECRET', user: 'ann' }, items: [{ token: 'tok-SECRET-2' }] };
const request: CallRequest = {
  callId: 'call_1',
  session: 's1',
  rpcId: 3,
  principal: { id: 'agent:ci', groups: [] },
  method: 'tools/call',
  server: 'fs',
  tool: 'read_file',
  args,
  argsSha256: canonicalSha256(args),
  toolSha256: null,
  annotations: {},
  now: new Date(),
};

/** The lines a real pino logger writes for one call. */
function logOneCall(options: CallLogOptions): { text: string; line: Record<string, unknown> } {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
  callLogger(
    log,
    options,
  )({ request, effect: 'permit', outcome: 'complete', rules: ['fs-read'], decisionMs: 0.12, upstreamMs: 4.5, totalMs: 6, receiptId: 'rcpt_01' });
  expect(lines).toHaveLength(1);
  return { text: lines[0]!, line: JSON.parse(lines[0]!) as Record<string, unknown> };
}

describe('the per-call log line', () => {
  it('carries call id, surface, principal, effect, rules, durations, receipt id and only the arguments hash by default', () => {
    const { text, line } = logOneCall({ arguments: 'hashed', redact: [] });
    expect(line).toMatchObject({
      msg: 'call',
      call_id: 'call_1',
      surface: 'fs/read_file',
      principal: 'agent:ci',
      effect: 'permit',
      outcome: 'complete',
      rules: ['fs-read'],
      decision_ms: 0.12,
      upstream_ms: 4.5,
      total_ms: 6,
      receipt_id: 'rcpt_01',
      args_sha256: request.argsSha256,
    });
    for (const value of ['/srv/notes.txt', 'hunter2-SECRET', 'ann', 'tok-SECRET-2']) expect(text).not.toContain(value);
    expect(line).not.toHaveProperty('call_args');
  });

  it('keeps only the shape of the arguments in redacted mode', () => {
    const { text, line } = logOneCall({ arguments: 'redacted', redact: [] });
    expect(line.call_args).toEqual({ path: '[redacted]', auth: { password: '[redacted]', user: '[redacted]' }, items: [{ token: '[redacted]' }] });
    for (const value of ['/srv/notes.txt', 'hunter2-SECRET', 'ann', 'tok-SECRET-2']) expect(text).not.toContain(value);
  });

  it('logs the arguments in full mode except the configured paths, without touching the call', () => {
    const { text, line } = logOneCall({ arguments: 'full', redact: ['auth.password', 'items.*.token'] });
    expect(line.call_args).toEqual({ path: '/srv/notes.txt', auth: { password: '[redacted]', user: 'ann' }, items: [{ token: '[redacted]' }] });
    expect(text).not.toContain('SECRET');
    expect(args.auth.password).toBe('hunter2-SECRET');
  });
});
