import { SHA1_WASM } from './sha1-wasm.js';

/**
 * SHA-1, the hash of git's blob ids (./blob-id.ts), in a 660-byte WebAssembly module
 * (./sha1.wat) rather than node:crypto: loading node:crypto (it brings Node's stream modules)
 * took 4 ms of a 50 ms generation, to hash the four to six files a run renders; the module is
 * made and run in under 1 ms. Where WebAssembly is off (node --jitless) or a message is over
 * 1 GiB, node:crypto does it. test/unit/sha1.test.ts holds both to node:crypto's digests.
 */
interface Sha1Module {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  hash(length: number): void;
}

/** The part of the WebAssembly API used here (the project's TypeScript libs do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const wasm = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;

/** Where ./sha1.wat expects the message, and what it needs past it for the padding. */
const MESSAGE = 1024;
const PADDING = 72;
const PAGE = 65_536;
const WASM_LIMIT = 2 ** 30;

let made: Sha1Module | undefined;

/** The SHA-1 of the parts, one after another, as 40 hex digits. */
export function sha1Hex(parts: readonly Uint8Array[]): string {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  return wasm && length <= WASM_LIMIT ? sha1WithWasm(parts, length) : sha1WithCrypto(parts);
}

export function sha1WithWasm(parts: readonly Uint8Array[], length = parts.reduce((sum, part) => sum + part.length, 0)): string {
  if (!wasm) throw new Error('this Node runs without WebAssembly (node --jitless)');
  made ??= new wasm.Instance(new wasm.Module(Buffer.from(SHA1_WASM, 'base64'))).exports as Sha1Module;
  const { memory } = made;
  const need = MESSAGE + length + PADDING;
  if (memory.buffer.byteLength < need) memory.grow(Math.ceil((need - memory.buffer.byteLength) / PAGE));
  const bytes = new Uint8Array(memory.buffer);
  let at = MESSAGE;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  made.hash(length);
  return Buffer.from(memory.buffer, 0, 20).toString('hex');
}

export function sha1WithCrypto(parts: readonly Uint8Array[]): string {
  const hash = process.getBuiltinModule('node:crypto').createHash('sha1');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}
