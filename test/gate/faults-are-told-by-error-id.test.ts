// Internal faults never reach the client: a refusal caused by a fault says in user terms what
// happened and carries an error id (in its text and in `_meta`); the operator's log has the detail
// under that id.
import { afterEach, describe, expect, it } from 'vitest';
import { errorIdOf, gateRig, receiptOf, textOf, type Rig } from './rig.js';

const ALLOW = `  - { id: reads, effect: allow, match: { server: db, tool: query } }\n`;
let rig: Rig;
afterEach(() => rig?.close());

/** The log line that carries this error id. */
const loggedUnder = (id: string) => rig.logged.find((line) => line.error_id === id);

describe('a fault in the gate', () => {
  it('a permit receipt that cannot be written refuses the call with an error id, and the log has the cause', async () => {
    rig = await gateRig(ALLOW);
    rig.failReceipts('permit');
    const answer = await rig.call('query', { sql: 'select 1' });
    expect(answer.isError).toBe(true);
    expect(textOf(answer)).not.toMatch(/ENOSPC/);
    expect(textOf(answer)).toMatch(/could not record.*Nothing was executed/);
    const id = errorIdOf(answer)!;
    expect(id).toMatch(/^err_[0-9a-f]{16}$/);
    expect(textOf(answer)).toContain(id);
    expect(JSON.stringify(loggedUnder(id))).toMatch(/ENOSPC/);
    expect(rig.upstream.calls).toEqual([]);
  });

  it('a fault on the way upstream after the permit is told by error id, never by its own message, and the call may have run', async () => {
    rig = await gateRig(ALLOW);
    rig.upstream.answer = () => Promise.reject(new Error('connection reset; DB_PASSWORD=hunter2'));
    const answer = await rig.call('query', { sql: 'select 1' });
    expect(answer.isError).toBe(true);
    expect(textOf(answer)).not.toMatch(/hunter2|connection reset/);
    expect(textOf(answer)).toMatch(/permitted and sent, but toolgate lost track of it. It may have run/);
    const id = errorIdOf(answer)!;
    expect(textOf(answer)).toContain(id);
    expect(receiptOf(answer).event).toBe('unknown');
    expect(JSON.stringify(loggedUnder(id))).toMatch(/hunter2/);
  });

  it('a limit store that fails is a refusal with an error id and a deny receipt', async () => {
    rig = await gateRig(`  - { id: capped, effect: allow, match: { server: db, tool: query }, limits: [{ per: principal, rate: 5/1m }] }\n`);
    await rig.store.close();
    const answer = await rig.call('query', { sql: 'select 1' });
    expect(receiptOf(answer)).toMatchObject({ event: 'deny', policy: { effect: 'deny' } });
    const id = errorIdOf(answer)!;
    expect(textOf(answer)).toContain(id);
    expect(loggedUnder(id)).toBeDefined();
    expect(rig.upstream.calls).toEqual([]);
  });
});
