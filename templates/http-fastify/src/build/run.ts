import { fileURLToPath } from 'node:url';
import { compileSchemas } from './compile-schemas.js';
import { emitSchemas } from './emit-schemas.js';

// `node dist/build/run.js`, the last step of `npm run build`, on dist/ (the folder above this
// file): rewrites the schema modules as plain JSON (./emit-schemas.ts), then compiles the routes'
// validators and serializers into dist/compiled-schemas.cjs (./compile-schemas.ts).
const dist = fileURLToPath(new URL('..', import.meta.url));
await emitSchemas(dist);
await compileSchemas(dist);
