#!/usr/bin/env node
// The CLI runs on Node 20.19 or newer (package.json "engines"): say so plainly on an older Node
// instead of failing on syntax or a missing API in the bundle.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`error: create-loopsvc needs Node.js 20.19 or newer, and this is ${process.version}; install a current Node (26 is the Active LTS) and run it again\n`);
  process.exitCode = 1;
} else {
  // Node 22.1+ keeps the compiled bundle in its own cache (in the temp folder), so every run after
  // the first starts without compiling it again; older Node lines simply skip this. (The module
  // comes from getBuiltinModule, Node 20.16+, as in the bundle: an ES module import of it would
  // build a facade of all its exports first.)
  process.getBuiltinModule('node:module').enableCompileCache?.();
  await import('./dist/index.mjs');
}
