import { fileURLToPath } from 'node:url';
import { emitSchemas } from './emit-schemas.js';

// `node dist/build/run.js`, the last step of `npm run build`: rewrites the schema modules of
// dist/ (the folder above this file) as plain JSON. See ./emit-schemas.ts.
await emitSchemas(fileURLToPath(new URL('..', import.meta.url)));
