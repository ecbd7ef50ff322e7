// `toolgate verify FILE|- --keyring FILE [--proof]`: verify offline, strictly (RFC 8032), against a
// keyring the verifier holds, what a client holds: receipts, tool results or JSON-RPC responses
// carrying one (whose result must match the receipt's result.sha256), or inclusion proofs; one
// item, a JSON list, or JSON Lines. One line per item; the exit code is 1 when any item fails.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ToolgateError } from '../core/errors.js';
import { verifyProof } from '../ledger/index.js';
import { isCallReceipt, Keyring, ownBodySubject, parseJsonText, verifyHeld, type ReceiptBody } from '../receipts/index.js';

interface Item {
  where: string;
  /** Untrusted: whatever the file holds. */
  value: unknown;
  error?: string;
}

/** One JSON document (an object or a list) or JSON Lines; a key repeated in an object fails its item (docs/receipts.md, conventions). */
function splitInput(text: string, source: string): Item[] {
  const trimmed = text.trim();
  if (trimmed === '') return [{ where: source, value: undefined, error: 'empty input' }];
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch {
    return text.split('\n').flatMap((line, i) => (line.trim() === '' ? [] : [parsed(line, `${source}:${i + 1}`)]));
  }
  const whole = parsed(trimmed, source);
  if (whole.error || !Array.isArray(doc)) return [whole];
  return doc.map((value, i) => ({ where: `${source}[${i}]`, value }));
}

function parsed(text: string, where: string): Item {
  try {
    return { where, value: parseJsonText(text) };
  } catch (err) {
    return { where, value: undefined, error: failure(err) };
  }
}

const failure = (err: unknown) => (err instanceof ToolgateError ? `${err.code}: ${err.message}` : (err as Error).message);

function describe(body: ReceiptBody): string {
  const what = isCallReceipt(body) ? `${body.call.server}/${body.call.tool} call ${body.call.id}` : ownBodySubject(body);
  return `${body.id} seq ${body.chain.seq} ${body.event} ${what} ${body.ts} by ${body.issuer.key_id}`;
}

/** One item: a proof (with --proof), or a receipt with what it came with. */
function verifyItem(value: unknown, keyring: Keyring, proof: boolean): string {
  if (proof) {
    const { receipt, checkpoint } = verifyProof(value, keyring);
    return `${describe(receipt.body)}; included in checkpoint of ${checkpoint.size} (${checkpoint.origin})`;
  }
  const { receipt, binding } = verifyHeld(value, keyring);
  return binding ? `${describe(receipt.body)}; ${binding}` : describe(receipt.body);
}

export function registerVerify(program: Command): void {
  program
    .command('verify <file>')
    .description(
      'verify receipts, or tool results and JSON-RPC responses carrying one (the result must match its receipt), or with --proof inclusion proofs: ' +
        'one item, a JSON list or JSONL; "-" for stdin',
    )
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
          process.stdout.write(`OK   ${item.where}: ${verifyItem(item.value, keyring, opts.proof === true)}\n`);
        } catch (err) {
          failed++;
          process.stdout.write(`FAIL ${item.where}: ${failure(err)}\n`);
        }
      }
      if (failed) process.exitCode = 1;
    });
}
