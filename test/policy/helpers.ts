// Shared test helpers: compile policy text into a bundle and decide calls written in short form.
import { callRequest, compileBundle, evaluate, type CallInput, type CompileOptions, type PolicyBundle } from '../../src/policy/index.js';

export function bundleOf(rulesYaml: string, options: CompileOptions & { defaults?: string } = {}): PolicyBundle {
  const text = `version: toolgate.policy/v1\n${options.defaults ? `defaults: ${options.defaults}\n` : ''}rules:\n${rulesYaml}`;
  return compileBundle([{ file: 'test.yaml', text }], options);
}

export function decide(bundle: PolicyBundle, call: Partial<CallInput> & { args?: Record<string, unknown> }) {
  return evaluate(bundle, callRequest({ server: 'fs', tool: 'read_file', principal: 'agent:test', ...call }));
}

/** The message of what `fn` throws (fails the test if it does not throw). */
export function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error, none was thrown');
}
