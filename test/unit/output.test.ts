import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fdOutput } from '../../generators/shared/output.js';
import { removeDir, tempDir } from '../helpers/paths.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

function collecting(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

const failing = (code: string) => Object.assign(new Error(code), { code });

describe('the CLI output', () => {
  it('writes straight to the descriptor, in order, and builds no stream', () => {
    const file = path.join(dir, 'out.txt');
    const fd = openSync(file, 'w');
    let streams = 0;
    const out = fdOutput(fd, () => {
      streams += 1;
      return new PassThrough();
    });
    out.write('first line é\n');
    out.write('second line\n');
    closeSync(fd);
    expect(readFileSync(file, 'utf8')).toBe('first line é\nsecond line\n');
    expect(streams).toBe(0);
    expect(out.streamed).toBe(false);
  });

  it('a reader that went away (EPIPE) ends the output without an error', () => {
    let calls = 0;
    const out = fdOutput(1, () => new PassThrough(), undefined, () => {
      calls += 1;
      throw failing('EPIPE');
    });
    expect(() => out.write('lost\n')).not.toThrow();
    out.write('lost too\n');
    expect(calls).toBe(1);
  });

  it('a descriptor that would block (EAGAIN) hands the rest of the text, and all after it, to the stream', async () => {
    const sink = collecting();
    let call = 0;
    const out = fdOutput(1, () => sink.stream, undefined, () => {
      call += 1;
      if (call === 1) return 3; // a partial write: "abc"
      throw failing('EAGAIN');
    });
    out.write('abcdef\n');
    out.write('next\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(sink.text()).toBe('def\nnext\n');
    expect(call).toBe(2);
    expect(out.streamed).toBe(true); // so the CLI waits for the stream before it exits
  });

  it('once questions are asked (viaStream), every line goes through the stream the prompts use', async () => {
    const sink = collecting();
    let asking = false;
    const written: string[] = [];
    const out = fdOutput(1, () => sink.stream, () => asking, (_fd, bytes, offset) => {
      written.push(bytes.subarray(offset).toString('utf8'));
      return bytes.length - offset;
    });
    out.write('before\n');
    asking = true;
    out.write('after\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toEqual(['before\n']);
    expect(sink.text()).toBe('after\n');
  });

  it('an other failure of the descriptor is not hidden', () => {
    const out = fdOutput(1, () => new PassThrough(), undefined, () => {
      throw failing('EIO');
    });
    expect(() => out.write('x\n')).toThrow('EIO');
  });
});
