// `create-loopsvc/plopfile`: the generators for the `plop` CLI and `turbo gen`. turbo gen bundles
// a generator config (and what it imports) into one CommonJS file, which would cut the generators
// off from this package's templates/. So this shim finds the installed package at run time and
// imports the real, unbundled generators (dist/plopfile.mjs) from there.
'use strict';
const path = require('node:path');
const { pathToFileURL } = require('node:url');

module.exports = async function loopsvcGenerators(plop) {
  const root = path.dirname(require.resolve('create-loopsvc/package.json'));
  const { default: register } = await import(pathToFileURL(path.join(root, 'dist', 'plopfile.mjs')).href);
  register(plop);
};
