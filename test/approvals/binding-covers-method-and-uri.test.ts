// An approval is bound to the request it was granted for, whose identity includes the MCP method and
// the resource (uri): released for another method or resource, the approval is void.
import { expect, it } from 'vitest';
import { whyVoid } from '../../src/approvals/index.js';
import { callRequest, holdDecision, setup } from './fixtures.js';

const read = { ...callRequest({}), method: 'resources/read' as const, tool: 'resources/read', uri: 'file:///srv/a.txt' };

it('an approval of a resources/read does not cover another resource or another method', async () => {
  const { approvals, store } = await setup();
  const { approval } = await approvals.openOrAttach(read, holdDecision());
  expect(whyVoid(approval, read, holdDecision())).toBeUndefined();
  expect(whyVoid(approval, { ...read, uri: 'file:///srv/b.txt' }, holdDecision())).toMatch(/not the one approval .* was granted for/);
  expect(whyVoid(approval, { ...read, method: 'resources/subscribe' }, holdDecision())).toMatch(/method or resource differs/);
  await store.close();
});
