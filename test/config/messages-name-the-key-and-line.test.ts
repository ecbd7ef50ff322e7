// A mistake in toolgate.yaml is reported at the key that is wrong and the line it is on: a typo
// inside an upstream names the unknown key (and the missing one) instead of "Invalid input", and an
// unknown key is reported on its own line, not on the line of the object that holds it.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/index.js';

function problems(text: string): string {
  try {
    parseConfig('/etc/toolgate.yaml', text);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('the config was accepted');
}

describe('config messages', () => {
  it('a typo inside a stdio upstream names the unknown key on its line, and the key it should be', () => {
    const message = problems('listen: { stdio: true }\nupstreams:\n  fs:\n    comand: npx\n    args: [-y, server]\n');
    expect(message).toContain('/etc/toolgate.yaml:4: upstreams.fs: unknown key(s) "comand"');
    expect(message).toContain('/etc/toolgate.yaml:3: upstreams.fs.command: Invalid input: expected string, received undefined');
    expect(message).not.toContain('upstreams.fs: Invalid input');
  });

  it('a typo inside an HTTP upstream is explained as an HTTP upstream', () => {
    const message = problems('listen: { stdio: true }\nupstreams:\n  api:\n    url: http://127.0.0.1:9/mcp\n    header: { a: b }\n');
    expect(message).toContain('/etc/toolgate.yaml:5: upstreams.api: unknown key(s) "header"');
    expect(message).not.toContain('command');
  });

  it('an unknown top-level key is reported on the line it is written on', () => {
    const message = problems('# toolgate\nname: demo\nlisten:\n  stdio: true\nupstreams: {}\nbogus: 1\n');
    expect(message).toContain('/etc/toolgate.yaml:6: (top level): unknown key(s) "bogus"');
  });

  it('several unknown keys of one object are each reported on their own line', () => {
    const message = problems('listen:\n  stdio: true\n  htp: {}\n  port: 8080\n');
    expect(message).toContain('/etc/toolgate.yaml:3: listen: unknown key(s) "htp"');
    expect(message).toContain('/etc/toolgate.yaml:4: listen: unknown key(s) "port"');
  });

  it('a stdio upstream asked to speak 2026-07-28 is refused with the reason: toolgate speaks 2025-11-25 to processes', () => {
    const message = problems('listen: { stdio: true }\nupstreams:\n  fs:\n    command: npx\n    protocol: "2026-07-28"\n');
    expect(message).toContain('/etc/toolgate.yaml:5: upstreams.fs.protocol: a stdio upstream is spoken to in 2025-11-25 only');
    expect(message).not.toContain('url');
    expect(() => parseConfig('/etc/toolgate.yaml', 'listen: { stdio: true }\nupstreams:\n  fs: { command: npx, protocol: "2025-11-25" }\n')).not.toThrow();
  });
});
