// A gateway as the runtime builds it, for tests of policy and approvals through the real gateway:
// the pins fixture upstream "fx" (its tools from a file the test may rewrite), a real policy bundle,
// a real approvals service and limit store on real files, a real ledger, optionally a pin registry,
// and an HTTP client.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Approvals, type HeldCall } from '../../src/approvals/index.js';
import { parseConfig } from '../../src/config/index.js';
import { approvalRecorder, Gate } from '../../src/gate/index.js';
import { startGateway } from '../../src/gateway/index.js';
import type { PinRegistry } from '../../src/pins/index.js';
import { compileBundle, decider } from '../../src/policy/index.js';
import { openLowdbStore } from '../../src/store/index.js';
import { openTestLedger } from '../fixtures/ledger.js';
import { eventually, httpClient, log } from './helpers.js';
import { pinsFixtureConfig } from './pinned-gateway.js';

export interface PolicyGateway {
  client: Client;
  approvals: Approvals;
  dir: string;
  /** Rewrite the fixture's tools: the upstream announces the change. */
  retool(tools: unknown[]): void;
  /** The first pending approval, once there is one. */
  pending(): Promise<HeldCall>;
}

const open: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

export async function policyGateway(
  policy: string,
  lists: unknown[][],
  options: { pins?: (dir: string) => Promise<PinRegistry>; driftApprovers?: string[] } = {},
): Promise<PolicyGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-policy-gw-'));
  const pins = await options.pins?.(dir);
  const yaml = pinsFixtureConfig(dir, lists);
  const { config } = parseConfig(join(dir, 'toolgate.yaml'), yaml);
  const { ledger } = await openTestLedger();
  const store = await openLowdbStore(join(dir, 'approvals.json'));
  const approvals = new Approvals({ store, log, record: approvalRecorder(ledger) });
  const bundle = compileBundle([{ file: 'policy.yaml', text: policy }]);
  const gate = new Gate({ decider: () => decider(bundle), receipts: ledger, approvals, limits: store, driftApprovers: options.driftApprovers, log });
  const gateway = await startGateway({ config, handler: gate, pins, log });
  const client = await httpClient(gateway.http!.url);
  open.push(
    () => ledger.close(),
    () => store.close(),
    () => gateway.close(),
    () => client.close(),
  );
  return {
    client,
    approvals,
    dir,
    retool: (tools) => writeFileSync(join(dir, 'tools.json'), JSON.stringify({ lists: [tools] })),
    async pending() {
      let found: HeldCall | undefined;
      await eventually(async () => Boolean((found = (await approvals.list('pending'))[0])));
      return found!;
    },
  };
}
