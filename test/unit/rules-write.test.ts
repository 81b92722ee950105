import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'acorn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CancelledError, LoopsvcError } from '../../generators/shared/errors.js';
import { runRulesCommand } from '../../generators/rules/command.js';
import { versionOf } from '../../generators/shared/versions.js';
import type { ApplyHooks, Step } from '../../generators/shared/write.js';
import { removeDir, tempDir, treeSnapshot } from '../helpers/paths.js';
import { makeReadOnly } from '../helpers/read-only.js';

// How `create-loopsvc rules` writes: through the write engine, with format-preserving edits.

let dir: string;
beforeEach(async () => {
  dir = await tempDir('loopsvc-rules-write-');
});
afterEach(async () => {
  await removeDir(dir);
});

async function rules(args: string[] = [], hooks: ApplyHooks = {}) {
  const out: string[] = [];
  try {
    return { code: await runRulesCommand(args, { cwd: dir, out: (l) => out.push(l), err: (l) => out.push(l) }, hooks), out: out.join('\n') };
  } catch (error) {
    if (!(error instanceof LoopsvcError) && !(error instanceof CancelledError)) throw error;
    return { code: error.exitCode, error, out: out.join('\n') };
  }
}

describe('rules edits package.json keeping every byte it does not mean to change', () => {
  it('BOM, CRLF, tabs, inline arrays, number literals, escapes, duplicate keys and key order stay', async () => {
    const before =
      '\uFEFF{\r\n\t"name": "legacy",\r\n\t"files": ["src", "dist"],\r\n\t"big": 12345678901234567890,\r\n\t"ratio": 1.0,\r\n' +
      '\t"author": "Ren\\u00e9",\r\n\t"x": 1,\r\n\t"x": 2,\r\n\t"scripts": {\r\n\t\t"start": "node src/index.js"\r\n\t}\r\n}\r\n';
    await writeFile(path.join(dir, 'package.json'), before);
    const r = await rules();
    expect(r.code).toBe(0);
    const after = await readFile(path.join(dir, 'package.json'), 'utf8');
    expect(after.startsWith('\uFEFF{\r\n\t"name": "legacy",\r\n\t"files": ["src", "dist"],\r\n\t"big": 12345678901234567890,\r\n\t"ratio": 1.0,\r\n')).toBe(true);
    expect(after).toContain('\t"author": "Ren\\u00e9",\r\n\t"x": 1,\r\n\t"x": 2,\r\n');
    expect(after.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    // the file as it was, plus the added members (and the comma before each), in its own style
    const dev = ['eslint', 'eslint-plugin-n', 'eslint-plugin-regexp', 'typescript', 'typescript-eslint'].map((n) => `\t\t"${n}": "${versionOf(n)}"`).join(',\r\n');
    expect(after.slice(before.indexOf('\t"scripts"'))).toBe(
      `\t"scripts": {\r\n\t\t"start": "node src/index.js",\r\n\t\t"lint": "eslint .",\r\n\t\t"check:loop": "node scripts/check-loop.mjs"\r\n\t},\r\n\t"devDependencies": {\r\n${dev}\r\n\t}\r\n}\r\n`,
    );
  });
});

describe('rules checks its whole plan before writing', () => {
  it('a read-only package.json: nothing written (no rule files, no config), one line, exit 1', async () => {
    await writeFile(path.join(dir, 'package.json'), '{ "name": "x" }\n');
    const snapshot = await treeSnapshot(dir);
    const undo = await makeReadOnly(path.join(dir, 'package.json'));
    try {
      const r = await rules();
      expect(r.code).toBe(1);
      expect(r.error?.message).toContain(`cannot write ${path.join(dir, 'package.json')}`);
    } finally {
      await undo();
    }
    expect(await treeSnapshot(dir)).toEqual(snapshot);
  });

  it('a folder where a rule file goes: nothing written, exit 2', async () => {
    await writeFile(path.join(dir, 'package.json'), '{ "name": "x" }\n');
    await mkdir(path.join(dir, 'scripts', 'check-loop.mjs'), { recursive: true });
    const before = await treeSnapshot(dir);
    const r = await rules();
    expect(r.code).toBe(2);
    expect(r.error?.message).toMatch(/check-loop\.mjs already exists, and nothing is ever overwritten/);
    expect(await treeSnapshot(dir)).toEqual(before); // no rule file, no config, package.json as it was
  });

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s in the middle of the write: every file it created removed, package.json as it was, exit 128+n', async (signal) => {
    await writeFile(path.join(dir, 'package.json'), '{\n  "name": "x",\n  "type": "module"\n}\n');
    const before = await treeSnapshot(dir);
    let placed = 0;
    const listeners = process.listenerCount(signal);
    // the signal arrives once some rule files are in place, before package.json is edited
    const r = await rules([], {
      onStep: (step: Step) => {
        if (step.kind === 'placed' && ++placed === 3) process.emit(signal, signal);
      },
    });
    expect(placed).toBeGreaterThanOrEqual(3);
    expect(r.code).toBe({ SIGINT: 130, SIGTERM: 143, SIGHUP: 129 }[signal]);
    expect(await treeSnapshot(dir)).toEqual(before);
    expect(process.listenerCount(signal)).toBe(listeners);
  });

  it('a package.json "main" with a quote gives a config that parses, merged or created', async () => {
    await mkdir(path.join(dir, 'lib'));
    await writeFile(path.join(dir, "lib/it's.js"), 'export {};\n');
    const rulesGiveAValidConfig = async () => {
      await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', type: 'module', main: "lib/it's.js" }));
      expect((await rules()).code).toBe(0);
      const config = await readFile(path.join(dir, 'eslint.config.js'), 'utf8');
      // in the config's own quotes (single when created, double when merged into a double-quoted file)
      expect(config).toMatch(/main: \[(?:'lib\/it\\'s\.js'|"lib\/it's\.js")\]/);
      expect(() => parse(config, { ecmaVersion: 'latest', sourceType: 'module' })).not.toThrow();
    };
    await rulesGiveAValidConfig(); // created

    // and merged into an existing config (this used to crash with a stack)
    await removeDir(path.join(dir, 'eslint'));
    await removeDir(path.join(dir, 'scripts'));
    await writeFile(path.join(dir, 'eslint.config.js'), 'export default [\n  { ignores: ["dist/"] },\n];\n');
    await rulesGiveAValidConfig();
  });
});
