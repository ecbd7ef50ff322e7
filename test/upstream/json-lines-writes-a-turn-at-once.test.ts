// The newline-delimited JSON-RPC transport writes every message sent in one turn of the event loop
// in one write, in order: calls released together cost one system call, not one each.
import { PassThrough, Writable } from 'node:stream';
import { expect, test } from 'vitest';
import { JsonLinesTransport } from '../../src/upstream/index.js';

/** A transport over a sink that records each write it receives (a pipe or socket writes a writev in one system call). */
function transport() {
  const writes: string[] = [];
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk.toString('utf8'));
      done();
    },
    writev(chunks, done) {
      writes.push(chunks.map((c) => (c.chunk as Buffer).toString('utf8')).join(''));
      done();
    },
  });
  const lines = new JsonLinesTransport(new PassThrough(), output);
  return { lines, output, writes };
}

const ping = (id: number) => ({ jsonrpc: '2.0' as const, id, method: 'ping' });
const turn = () => new Promise((resolve) => setImmediate(resolve));

test('messages sent in one turn leave as one write, in order; the next turn writes again', async () => {
  const { lines, writes } = transport();
  await lines.start();
  await Promise.all([lines.send(ping(1)), lines.send(ping(2)), lines.send(ping(3))]);
  await turn();
  expect(writes).toEqual([`${JSON.stringify(ping(1))}\n${JSON.stringify(ping(2))}\n${JSON.stringify(ping(3))}\n`]);
  await lines.send(ping(4));
  await turn();
  expect(writes).toHaveLength(2);
  expect(writes[1]).toBe(`${JSON.stringify(ping(4))}\n`);
});

test('a message read back from such a write arrives as separate messages', async () => {
  const { lines, writes } = transport();
  await lines.start();
  const reader = new PassThrough();
  const received: unknown[] = [];
  const back = new JsonLinesTransport(reader, new PassThrough());
  back.onmessage = (message) => void received.push(message);
  await back.start();
  await Promise.all([lines.send(ping(1)), lines.send(ping(2))]);
  await turn();
  reader.write(writes[0]);
  await turn();
  expect(received).toEqual([ping(1), ping(2)]);
});

test('a message sent in the turn its output is ended is still written', async () => {
  const { lines, output, writes } = transport();
  await lines.start();
  await lines.send(ping(1));
  output.end();
  await turn();
  expect(writes).toEqual([`${JSON.stringify(ping(1))}\n`]);
});

test('after close, sending is refused', async () => {
  const { lines } = transport();
  await lines.start();
  await lines.close();
  await expect(lines.send(ping(1))).rejects.toThrow('closed');
});
