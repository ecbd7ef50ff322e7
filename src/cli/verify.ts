// `toolgate verify FILE|- --keyring FILE [--proof]`: verify receipts (one envelope, a JSON list, or a
// JSONL stream) or inclusion proofs offline, strictly (RFC 8032), against a keyring the verifier
// holds. One line per item; the exit code is 1 when any item fails.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { verifyProof } from '../ledger/index.js';
import { isCallReceipt, Keyring, ownBodySubject, verifyReceipt, type ReceiptBody } from '../receipts/index.js';

interface Item {
  where: string;
  /** Untrusted: whatever the file holds. */
  value: unknown;
  error?: string;
}

/** One JSON document (an object or a list) or JSON Lines. */
export function splitInput(text: string, source: string): Item[] {
  const trimmed = text.trim();
  if (trimmed === '') return [{ where: source, value: undefined, error: 'empty input' }];
  try {
    const doc = JSON.parse(trimmed) as unknown;
    return Array.isArray(doc) ? doc.map((value, i) => ({ where: `${source}[${i}]`, value })) : [{ where: source, value: doc }];
  } catch {
    return text.split('\n').flatMap((line, i) => {
      if (line.trim() === '') return [];
      const where = `${source}:${i + 1}`;
      try {
        return [{ where, value: JSON.parse(line) as unknown }];
      } catch (err) {
        return [{ where, value: undefined, error: `not JSON: ${(err as Error).message}` }];
      }
    });
  }
}

function describe(body: ReceiptBody): string {
  const what = isCallReceipt(body) ? `${body.call.server}/${body.call.tool} call ${body.call.id}` : ownBodySubject(body);
  return `${body.id} seq ${body.chain.seq} ${body.event} ${what} ${body.ts} by ${body.issuer.key_id}`;
}

export function registerVerify(program: Command): void {
  program
    .command('verify <file>')
    .description('verify receipts (an envelope, a JSON list or JSONL; "-" for stdin) or, with --proof, inclusion proofs')
    .requiredOption('--keyring <file>', 'the keyring file with the trusted public keys')
    .option('--proof', 'the input holds inclusion proofs written by "toolgate ledger prove"')
    .action((file: string, opts: { keyring: string; proof?: boolean }) => {
      const keyring = Keyring.load(opts.keyring);
      const source = file === '-' ? 'stdin' : file;
      const text = readFileSync(file === '-' ? 0 : file, 'utf8');
      let failed = 0;
      for (const item of splitInput(text, source)) {
        try {
          if (item.error) throw new Error(item.error);
          const line = opts.proof
            ? (({ receipt, checkpoint }) => `${describe(receipt.body)}; included in checkpoint of ${checkpoint.size} (${checkpoint.origin})`)(
                verifyProof(item.value, keyring),
              )
            : describe(verifyReceipt(item.value, keyring).body);
          process.stdout.write(`OK   ${item.where}: ${line}\n`);
        } catch (err) {
          failed++;
          process.stdout.write(`FAIL ${item.where}: ${(err as Error).message}\n`);
        }
      }
      if (failed) process.exitCode = 1;
    });
}
