// Exposed names: `<upstream>__<tool>` by default, a custom or empty prefix per upstream; a
// collision stops startup, one appearing later hides the later tool.
import { expect, test } from 'vitest';
import { eventually, fixture, gatewayFrom, httpClient, stdioUpstream, text } from './helpers.js';

test('two upstreams exposing the same name stop startup with a clear error', async () => {
  await expect(
    gatewayFrom(`
listen: { http: { port: 0 } }
upstreams:
  one: ${stdioUpstream(fixture, ', prefix: ""')}
  two: ${stdioUpstream(fixture, ', prefix: ""')}
`),
  ).rejects.toThrow(/tool name collision: "[\w-]+" is exposed by upstreams one and two; set a distinct "prefix"/);
});

test('a collision that appears later through list_changed hides the later tool', async () => {
  const gateway = await gatewayFrom(`
listen: { http: { port: 0 } }
upstreams:
  first: ${stdioUpstream(fixture, ', prefix: "x__"')}
  late: ${stdioUpstream(fixture, ', prefix: ""')}
`);
  const client = await httpClient(gateway.http!.url);
  try {
    const firstPid = text(await client.callTool({ name: 'x__pid', arguments: {} }));
    await client.callTool({ name: 'register', arguments: { name: 'x__pid' } });
    await client.callTool({ name: 'register', arguments: { name: 'fresh' } });
    // The later upstream's new, non-colliding tool appears; the colliding one stays the first's.
    await eventually(async () => (await client.listTools()).tools.some((t) => t.name === 'fresh'));
    const { tools } = await client.listTools();
    expect(tools.filter((t) => t.name === 'x__pid')).toHaveLength(1);
    expect(text(await client.callTool({ name: 'x__pid', arguments: {} }))).toBe(firstPid);
  } finally {
    await client.close();
    await gateway.close();
  }
});
