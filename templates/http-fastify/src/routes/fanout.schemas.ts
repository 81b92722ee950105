import { Type } from 'typebox';

// GET /fanout (./fanout.ts). Schemas only: `npm run build` writes this module as plain JSON (../schemas.ts).

const MAX_IDS = 10;

export const Query = Type.Object({
  ids: Type.String({
    pattern: `^[A-Za-z0-9_-]{1,64}(,[A-Za-z0-9_-]{1,64}){0,${MAX_IDS - 1}}$`,
    description: `1 to ${MAX_IDS} item ids, comma-separated`,
  }),
});
export const Reply = Type.Object({ items: Type.Array(Type.Unknown()) }, { description: 'what the upstream answered for each id, in the order of ids' });
