import { Type } from 'typebox';

// GET /items/:id (./items.ts). Schemas only: `npm run build` writes this module as plain JSON (../schemas.ts).

const ItemId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
export const Params = Type.Object({ id: ItemId });
export const Item = Type.Object({ id: ItemId }, { description: 'the item' });
