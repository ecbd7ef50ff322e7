// A shutdown step that never settles (as an upstream connection that died mid-close did) must not
// keep the steps opened before it, the ledger's among them, from closing, nor `toolgate serve` from exiting.
import { Writable } from 'node:stream';
import pino from 'pino';
import { expect, test } from 'vitest';
import { Closers } from '../../src/cli/runtime/closers.js';

test('a step that never settles is logged and left behind, and the steps opened before it still close', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const closers = new Closers(pino(sink), 50);
  const closed: string[] = [];
  closers.add(() => closed.push('ledger'));
  closers.add(() => new Promise(() => {}));
  closers.add(() => closed.push('gateway'));

  const started = Date.now();
  await closers.closeAll();

  expect(closed).toEqual(['gateway', 'ledger']);
  expect(Date.now() - started).toBeLessThan(2_000);
  const logged = lines.map((line) => JSON.parse(line) as { msg: string; step: number });
  expect(logged).toMatchObject([{ msg: 'shutdown step did not finish in time; the others go on', step: 2 }]);
});
