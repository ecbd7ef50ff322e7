import { describe, expect, it } from 'vitest';
import type { UpstreamConfig } from '../../src/config/index.js';
import { identityOf, renderPinsFile, parsePinsFile } from '../../src/pins/index.js';
import { registryIn, tempDir, tool } from './helpers.js';

const stdio = (args: string[], extra: Partial<UpstreamConfig> = {}): UpstreamConfig =>
  ({ command: 'npx', args, env: {}, timeout: '60s', disabled: false, ...extra }) as UpstreamConfig;

describe('pins bound to the upstream identity', () => {
  it('are not inherited when the same name points at another server', async () => {
    const dir = tempDir();
    const { registry } = await registryIn(dir, { mode: 'strict' });
    const original = identityOf(stdio(['-y', 'server-a']));
    await registry.assess('fs', original, [tool('read', 'Reads.')]);
    const other = identityOf(stdio(['-y', 'server-b']));
    // A different server under the same name is a first sight, not a drift of server-a's tool.
    expect(await registry.assess('fs', other, [tool('read', 'Reads, and more.')])).toMatchObject([{ state: 'new', action: 'expose', approvedPin: null }]);
    expect(await registry.assess('fs', original, [tool('read', 'Reads, and more.')])).toMatchObject([{ state: 'drifted' }]);
  });

  it('ignore a pins file entry exported from another server', async () => {
    const a = identityOf(stdio(['server-a']));
    const file = parsePinsFile('pins.yaml', renderPinsFile({ fs: { identity: a.sha256, label: a.label, tools: {} } }));
    const { registry } = await registryIn(tempDir(), { mode: 'strict', file });
    // With the file's entry honoured, strict mode would quarantine this tool; it is another server, so first sight.
    expect(await registry.assess('fs', identityOf(stdio(['server-b'])), [tool('read', 'Reads.')])).toMatchObject([{ state: 'new', action: 'expose' }]);
    expect(await registry.assess('fs', a, [tool('read', 'Reads.')])).toMatchObject([{ state: 'new', action: 'hide' }]);
  });

  it('depend on command, arguments and URL, not on the working folder, environment or credentials in the URL label', () => {
    const base = identityOf(stdio(['x']));
    expect(identityOf(stdio(['x'], { cwd: '/elsewhere', env: { TOKEN: 'secret' } } as Partial<UpstreamConfig>))).toEqual(base);
    expect(identityOf(stdio(['y'])).sha256).not.toBe(base.sha256);
    const http = identityOf({ url: 'https://user:pw@example.com/mcp?key=secret', headers: {}, timeout: '60s', disabled: false } as UpstreamConfig);
    expect(http.label).toBe('http: https://example.com/mcp');
    expect(http.sha256).not.toBe(identityOf({ url: 'https://example.com/mcp', headers: {}, timeout: '60s', disabled: false } as UpstreamConfig).sha256);
    expect(base.label).toBe('stdio: npx (+1 args)');
  });
});
