#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ keeps the compiled bundle in its own cache (in the temp folder), so every run after
// the first starts without compiling it again; older Node lines simply skip this.
module.enableCompileCache?.();
await import('./dist/index.mjs');
