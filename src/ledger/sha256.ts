// One-shot sha256 for the ledger's hottest hashes (Merkle nodes, the table of pending permits):
// node's crypto.hash (Node >= 20.12) skips the Hash object; older Node 20 releases, which toolgate
// also runs on, get the same digest through createHash.
import * as crypto from 'node:crypto';

type OneShot = (algorithm: string, data: crypto.BinaryLike, outputEncoding: 'buffer') => Buffer;
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

export const sha256: (data: crypto.BinaryLike) => Buffer = oneShot
  ? (data) => oneShot('sha256', data, 'buffer')
  : (data) => crypto.createHash('sha256').update(data).digest();
