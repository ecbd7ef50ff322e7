// The official conformance suite against a 2026-07-28 upstream: directly against the v2-SDK
// reference server (reference-server-v2.mjs) and through `toolgate serve` fronting it (toolgate
// finds the revision with server/discover, `protocol: auto`). For both requirement sets, every
// scenario that passes directly passes through toolgate and every check that succeeds directly
// succeeds through it.
//
// Figures (suite 0.2.0-alpha.12, 2026-12-02):
// - 2025-11-25 (clients of the session era, the upstream of the new one): 27 of 33 scenarios pass
//   directly (the server serves that era stateless, so it cannot send sampling or elicitation
//   requests, and the revision has no resources/subscribe); 31 through toolgate, which turns the
//   server's input-required results into sampling and elicitation requests on the client's session.
// - 2026-07-28: the 37 scenarios the revision requires pass directly and through toolgate,
//   server-stateless and the input-required ones among them: the server's input requests reach the
//   gateway's internal session as requests to the client, which its 2026-07-28 edge gives back as
//   input-required results under the server's own keys (and inputResponses on a first request go
//   to the server as sent); its progress reaches the client on the SSE stream of the request it
//   relates to; its list changes reach toolgate on its subscriptions/listen stream.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Fronted, frontReference } from './fronting.js';
import { type Revision, runSuite, type ScenarioResult } from './suite.js';

/** The revision has no resources/subscribe (subscriptions/listen replaces it): they fail directly and through toolgate. */
const failsBothWays2025 = ['resources-subscribe', 'resources-unsubscribe'];

let fronted: Fronted;

beforeAll(async () => {
  fronted = await frontReference('reference-server-v2.mjs');
});

afterAll(() => fronted?.stop(), 15_000);

/** What passes directly and is lost through toolgate: failing scenarios, and checks that no longer succeed. */
async function lostThroughToolgate(
  revision: Revision,
): Promise<{ direct: Map<string, ScenarioResult>; through: Map<string, ScenarioResult>; lost: string[]; failing: string[] }> {
  const direct = await runSuite(fronted.referenceUrl, revision);
  const through = await runSuite(fronted.gatewayUrl, revision);
  const failing: string[] = [];
  const lost = [...direct].flatMap(([scenario, r]) => {
    if (!r.passed) return [];
    const there = through.get(scenario);
    if (!there?.passed) return (failing.push(scenario), []);
    return [...r.succeeded].filter((check) => !there.succeeded.has(check)).map((check) => `${scenario}: ${check}`);
  });
  return { direct, through, lost, failing };
}

test('2025-11-25 clients: every scenario and check that passes against the 2026-07-28 server directly passes through toolgate', {
  timeout: 180_000,
}, async () => {
  const { direct, through, lost, failing } = await lostThroughToolgate('2025-11-25');
  expect(direct.size).toBe(33);
  expect(failing).toEqual([]);
  expect(lost).toEqual([]);
  expect([...through].filter(([, r]) => !r.passed).map(([s]) => s)).toEqual(failsBothWays2025);
});

test('2026-07-28 clients: every scenario and check that passes against the 2026-07-28 server directly passes through toolgate', {
  timeout: 180_000,
}, async () => {
  const { direct, lost, failing } = await lostThroughToolgate('2026-07-28');
  // The reference server is written to pass every scenario the revision requires: a failure here is the fixture's.
  const required = [...direct].filter(([s]) => !s.startsWith('tasks-') && s !== 'http-custom-header-server-validation');
  expect(required.filter(([, r]) => !r.passed).map(([s]) => s)).toEqual([]);
  expect(failing).toEqual([]);
  expect(lost).toEqual([]);
});
