import { Type } from 'typebox';

// POST /hash (./hash.ts). Schemas only: `npm run build` writes this module as plain JSON (../schemas.ts).

export const Body = Type.Object({ password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false });
export const Reply = Type.Object({
  algorithm: Type.Literal('scrypt'),
  salt: Type.String({ description: '16 random bytes, hex' }),
  hash: Type.String({ description: 'the 64-byte scrypt key, hex' }),
}, { description: 'the scrypt hash of the password, with its fresh salt' });
