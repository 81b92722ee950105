// R2.3: randomBytes without a callback is synchronous, whatever it is called.
import crypto, { randomBytes, randomBytes as bytes } from 'node:crypto';
import * as nodeCrypto from 'crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { randomBytes: required } = require('node:crypto') as typeof import('node:crypto');

export function token(): string {
  const a = crypto.randomBytes(32); // expect: R2.3
  const b = randomBytes(32); // expect: R2.3
  const c = bytes(16); // expect: R2.3
  const d = nodeCrypto.randomBytes(8); // expect: R2.3
  const e = required(8); // expect: R2.3
  const f = crypto.randomFillSync(Buffer.alloc(8)); // expect: R2.3
  return [a, b, c, d, e, f].map((x) => x.toString('hex')).join('');
}
