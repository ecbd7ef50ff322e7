// Signer benchmarks: durable appends per second with 64 concurrent callers, the file key beside the
// PKCS#11 signer (a SoftHSM2 token's key certifying an in-memory receipt key), interleaved in one run;
// for reference, every receipt signed in the token itself, and the token's own signing rate; then
// `ledger verify` over each ledger (a certified receipt carries its certificate, checked once per key).
// With TOOLGATE_BENCH_BASELINE=DIR (a built checkout of another commit), that build's ledger and
// certified signer append too, in the same rounds, with the same token key. Needs Debian's softhsm2
// (`.ci/run` installs it).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger, verifyLedger } from '../dist/ledger/index.js';
import { enrollKey, generateKey, Keyring, keyringPath, loadCurrentSigner } from '../dist/receipts/index.js';
import { certifiedSigner, openOrGenerateTokenKey } from '../dist/signer/index.js';
import { createLogger } from '../dist/log.js';
import { fmt, groupCommitRate, interleave, loadAverage, machine, median, now, table } from './lib.js';

const base = mkdtempSync(join(process.env.TOOLGATE_BENCH_DIR ?? tmpdir(), 'toolgate-bench-signer-'));
const log = createLogger({ level: 'silent' });

// A fresh SoftHSM2 token in this directory.
mkdirSync(join(base, 'tokens'));
writeFileSync(join(base, 'softhsm2.conf'), `directories.tokendir = ${join(base, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
process.env.SOFTHSM2_CONF = join(base, 'softhsm2.conf');
process.env.TOOLGATE_BENCH_PIN = '1234';
execFileSync('softhsm2-util', ['--init-token', '--free', '--label', 'bench', '--pin', '1234', '--so-pin', '5678'], { stdio: 'ignore' });
const pkcs11 = { module: '/usr/lib/softhsm/libsofthsm2.so', token_label: 'bench', key_label: 'receipts', pin_env: 'TOOLGATE_BENCH_PIN' };
const { signer: token } = openOrGenerateTokenKey(pkcs11);

const fileKeys = join(base, 'file-keys');
generateKey(fileKeys);
const fileSigner = loadCurrentSigner(fileKeys);
const tokenKeys = join(base, 'token-keys');
enrollKey(tokenKeys, token.publicKey);
const certified = certifiedSigner(token, 2 * 3_600_000);

const draft = (n) => ({
  event: 'permit',
  call: { id: `call_${n}`, session: 'bench', rpc_id: n, server: 'fs', tool: 'read_file', tool_sha256: 'e'.repeat(64), args_sha256: 'a'.repeat(64) },
  principal: { id: 'agent:bench' },
  policy: { bundle_sha256: 'b'.repeat(64), rules: ['fs-read'], effect: 'permit', reason: 'permitted by rule fs-read' },
});

const open = (name, signer, { Ledger: ledgerClass } = { Ledger }) => ledgerClass.open({ dir: join(base, name), signer, issuerId: 'bench', log });

async function rate(ledger, count, callers = 64) {
  let n = 0;
  const t = now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (n < count) await ledger.append(draft(ledger.size + n++));
    }),
  );
  return count / ((now() - t) / 1000);
}

function tokenSignRate(count) {
  const message = Buffer.alloc(300, 1);
  const t = now();
  for (let i = 0; i < count; i++) token.sign(message);
  return count / ((now() - t) / 1000);
}

const rounds = Number(process.env.TOOLGATE_BENCH_ROUNDS ?? 5);
const file = await open('file', fileSigner);
const hsm = await open('pkcs11', certified);
const inToken = await open('in-token', token);
const BASELINE = process.env.TOOLGATE_BENCH_BASELINE;
const baseline = BASELINE && {
  ledger: await import(join(BASELINE, 'dist/ledger/index.js')),
  signer: await import(join(BASELINE, 'dist/signer/index.js')),
};
const hsmBaseline = baseline && (await open('pkcs11-baseline', baseline.signer.certifiedSigner(token, 2 * 3_600_000), baseline.ledger));
await rate(file, 2000);
await rate(hsm, 2000);
if (hsmBaseline) await rate(hsmBaseline, 2000);
const r = await interleave(
  {
    bare: () => groupCommitRate(join(base, 'bare.jsonl'), 4000),
    file: () => rate(file, 4000),
    pkcs11: () => rate(hsm, 4000),
    ...(hsmBaseline && { pkcs11Baseline: () => rate(hsmBaseline, 4000) }),
    inToken: () => rate(inToken, 1000),
    tokenSigns: () => tokenSignRate(1000),
  },
  rounds,
);
await file.close();
await hsm.close();
await hsmBaseline?.close();
await inToken.close();

async function verifyRate(name, keys) {
  const t = now();
  const report = await verifyLedger(join(base, name), Keyring.load(keyringPath(keys)));
  if (!report.ok) throw new Error(JSON.stringify(report.problem));
  return report.receipts / ((now() - t) / 1000);
}
const v = await interleave({ file: () => verifyRate('file', fileKeys), pkcs11: () => verifyRate('pkcs11', tokenKeys) }, 3);
token.close();
rmSync(base, { recursive: true, force: true });

process.stdout.write(`## Signer: the file key beside the PKCS#11 token (SoftHSM2)

\`npm run bench -- signer\` (medians of ${rounds} interleaved rounds; verification: 3 rounds)

${table(
  ['scenario', 'median', 'target'],
  [
    ["baseline: group commit of unsigned 1.1 kB lines, 64 callers, O_DSYNC (the disk's floor)", fmt(median(r.bare)), ''],
    ['durable appends/s, 64 callers, file key', fmt(median(r.file)), '>= 20,000/s'],
    ['durable appends/s, 64 callers, PKCS#11 token key certifying an in-memory receipt key', fmt(median(r.pkcs11)), '>= 20,000/s'],
    ['file key / baseline (median of per-round ratios)', fmt(median(r.file.map((x, i) => x / r.bare[i]))), ''],
    ['PKCS#11 / baseline (median of per-round ratios)', fmt(median(r.pkcs11.map((x, i) => x / r.bare[i]))), ''],
    ['PKCS#11 / file key (median of per-round ratios)', fmt(median(r.pkcs11.map((x, i) => x / r.file[i]))), '>= 1'],
    ...(hsmBaseline
      ? [
          [`durable appends/s, 64 callers, PKCS#11, the build in TOOLGATE_BENCH_BASELINE (${BASELINE})`, fmt(median(r.pkcs11Baseline)), ''],
          ['PKCS#11 of that build / file key (median of per-round ratios)', fmt(median(r.pkcs11Baseline.map((x, i) => x / r.file[i]))), ''],
        ]
      : []),
    ['durable appends/s, 64 callers, every receipt signed in the token (not used: for reference)', fmt(median(r.inToken)), ''],
    ['signatures/s by the token itself (CKM_EDDSA, one session)', fmt(median(r.tokenSigns)), ''],
    ['ledger verify receipts/s, file key', fmt(median(v.file)), ''],
    ['ledger verify receipts/s, certified receipt keys', fmt(median(v.pkcs11)), ''],
  ],
)}

${machine()}. ${loadAverage()}
`);
