// POST /api/ledger/checkpoint: the running gateway signs a checkpoint over every durable receipt now,
// so that a receipt newer than the last checkpoint can be proved at once (`toolgate ledger prove`
// asks for it) instead of after checkpoint_every receipts or checkpoint_interval.
import type { Reviewer } from '../approvals/index.js';
import type { Route } from '../http/index.js';

/** The ledger as this route needs it: sign a checkpoint now, resolving with the receipts it covers. */
export interface CheckpointWriter {
  checkpointNow(): Promise<number>;
}

export function checkpointRoute(ledger: CheckpointWriter): Route<Reviewer> {
  return {
    method: 'POST',
    path: '/api/ledger/checkpoint',
    auth: 'token',
    handle: async () => ({ body: { size: await ledger.checkpointNow() } }),
  };
}
