import * as nodeModule from 'node:module';

// Imported first by src/main.ts: Node keeps the compiled code of every module loaded after this
// (all CommonJS dependencies: fastify, undici, pino, ajv...) in a cache on disk, so every start after
// the first one skips most of the compiling and reaches its first answer sooner. The cache lives in
// NODE_COMPILE_CACHE, else the system's temporary directory; when it cannot be written (a read-only
// file system), Node simply compiles as usual. (Typed by hand: @types/node 20 does not know it yet.)
const { enableCompileCache } = nodeModule as { enableCompileCache?: () => unknown };
enableCompileCache?.();
