// Opening the ledger for a running toolgate: every receipt goes through one append that is timed
// for the metrics, and the ledger's size on disk is measured now and then, off the path of a call.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setInterval as every } from 'node:timers';
import type { Config } from '../../config/index.js';
import { parseDuration } from '../../core/index.js';
import { Ledger } from '../../ledger/index.js';
import type { Logger } from '../../log.js';
import type { GatewayMetrics } from '../../metrics/index.js';
import type { ReceiptSink } from '../../gate/index.js';
import type { Signer } from '../../receipts/index.js';
import { parseVkey, WitnessSubmitter } from '../../witness/index.js';
import type { Closers } from './closers.js';

export async function openLedger(parts: {
  config: Config;
  signer: Signer;
  metrics: GatewayMetrics;
  log: Logger;
  closers: Closers;
}): Promise<{ ledger: Ledger; receipts: ReceiptSink }> {
  const { config, signer, metrics, log, closers } = parts;
  // Opened before the ledger so that it closes after it: the final checkpoint is submitted too.
  const submitter = witnessSubmitter(config, metrics, log);
  if (submitter) closers.add(() => submitter.close());
  const ledger = await Ledger.open({
    dir: config.ledger.dir,
    signer,
    issuerId: config.name,
    checkpointEvery: config.ledger.checkpoint_every,
    checkpointIntervalMs: parseDuration(config.ledger.checkpoint_interval),
    segmentReceipts: config.ledger.segment_receipts,
    log,
    onCheckpoint: submitter && ((note) => submitter.checkpointStored(note)),
  });
  closers.add(() => ledger.close());
  const receipts: ReceiptSink = {
    async append(draft) {
      const started = performance.now();
      const appended = await ledger.append(draft);
      metrics.observeLedgerAppend(performance.now() - started);
      return appended;
    },
  };
  return { ledger, receipts };
}

export function watchLedgerSize(parts: { config: Config; ledger: Ledger; metrics: GatewayMetrics; log: Logger; closers: Closers }): void {
  const { config, ledger, metrics, log, closers } = parts;
  const measure = () =>
    void ledgerBytes(config.ledger.dir).then(
      (bytes) => metrics.setLedgerSize(ledger.size, bytes),
      (err: unknown) => log.warn({ err }, 'could not measure the ledger'),
    );
  measure();
  closers.addTimer(every(measure, 15_000).unref());
}

async function ledgerBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size;
  return total;
}

/** The witnesses of the config, each checkpoint submitted to them off the append path (docs/witness.md §3). */
function witnessSubmitter(config: Config, metrics: GatewayMetrics, log: Logger): WitnessSubmitter | undefined {
  if (config.ledger.witness_quorum > config.witnesses.length) {
    throw new Error(`ledger.witness_quorum is ${config.ledger.witness_quorum} but ${config.witnesses.length} witnesses are configured`);
  }
  if (!config.witnesses.length) return undefined;
  return new WitnessSubmitter({
    dir: config.ledger.dir,
    witnesses: config.witnesses.map((w) => ({ url: w.url, key: parseVkey(w.public_key) })),
    quorum: config.ledger.witness_quorum,
    log,
    onOutcome: (witness, outcome) => metrics.observeWitnessSubmission(witness, outcome),
    onCosignatures: (count) => metrics.setCheckpointCosignatures(count),
  });
}
