import { describe, expect, it } from 'vitest';
import { mergePackageJson, mergeText } from '../../generators/update/merge.js';

const labels = { ours: 'yours', base: 'create-loopsvc 1.0.0 (generated)', theirs: 'create-loopsvc 2.0.0 (update)' };
const lines = (...l: string[]) => Buffer.from(`${l.join('\n')}\n`);

describe('mergeText (git merge-file)', () => {
  it('takes both sides when they changed different lines', async () => {
    const base = lines('a', 'b', 'c', 'd', 'e');
    const result = await mergeText(lines('a', 'B mine', 'c', 'd', 'e'), base, lines('a', 'b', 'c', 'd', 'E theirs'), labels);
    expect(result.conflicts).toBe(0);
    expect(result.contents.toString()).toBe('a\nB mine\nc\nd\nE theirs\n');
  });

  it('marks the lines both changed with the standard markers and counts them', async () => {
    const result = await mergeText(lines('a', 'mine', 'c'), lines('a', 'b', 'c'), lines('a', 'theirs', 'c'), labels);
    expect(result.conflicts).toBe(1);
    expect(result.contents.toString()).toBe('a\n<<<<<<< yours\nmine\n=======\ntheirs\n>>>>>>> create-loopsvc 2.0.0 (update)\nc\n');
  });
});

const pkg = (data: object, indent: string | number = 2) => `${JSON.stringify(data, null, indent)}\n`;

describe('mergePackageJson', () => {
  const base = { name: 'svc', scripts: { build: 'tsc', test: 'vitest run' }, dependencies: { fastify: '^5.0.0', pino: '^9.0.0' }, devDependencies: { typescript: '^5.0.0' } };

  it("applies the template's bumps, keeps the user's own entries", () => {
    const ours = { ...base, scripts: { ...base.scripts, 'db:migrate': 'node migrate.js' }, dependencies: { ...base.dependencies, zod: '^4.0.0' } };
    const theirs = { ...base, dependencies: { fastify: '^5.1.0', pino: '^10.0.0' } };
    const merged = mergePackageJson(pkg(base), pkg(ours), pkg(theirs));
    expect(merged.kept).toEqual([]);
    expect(JSON.parse(merged.text)).toEqual({ ...ours, dependencies: { fastify: '^5.1.0', pino: '^10.0.0', zod: '^4.0.0' } });
  });

  it('keeps an entry the user changed and lists it', () => {
    const ours = { ...base, devDependencies: { typescript: '~5.4.0' } };
    const theirs = { ...base, devDependencies: { typescript: '^6.0.0' } };
    const merged = mergePackageJson(pkg(base), pkg(ours), pkg(theirs));
    expect(merged.kept).toEqual(['devDependencies.typescript']);
    expect(JSON.parse(merged.text)).toEqual(ours);
  });

  it('adds a new key after its neighbour in the template, drops one the template dropped', () => {
    const theirs = { name: 'svc', scripts: { build: 'tsc', lint: 'eslint .', test: 'vitest run' }, dependencies: { fastify: '^5.0.0' }, devDependencies: base.devDependencies };
    const merged = mergePackageJson(pkg(base), pkg(base), pkg(theirs));
    expect(merged.text).toBe(pkg(theirs));
  });

  it("keeps the user's key order, indentation and line endings", () => {
    const ours = { devDependencies: base.devDependencies, name: 'svc', scripts: base.scripts, dependencies: base.dependencies };
    const crlf = pkg(ours, 4).replaceAll('\n', '\r\n');
    const theirs = { ...base, dependencies: { ...base.dependencies, pino: '^10.0.0' } };
    const merged = mergePackageJson(pkg(base), crlf, pkg(theirs));
    expect(merged.text).toBe(pkg({ ...ours, dependencies: theirs.dependencies }, 4).replaceAll('\n', '\r\n'));
  });

  it('leaves deleted what the user deleted, listing it when the template changed it', () => {
    const { pino: _dropped, ...rest } = base.dependencies;
    const ours = { ...base, dependencies: rest };
    const theirs = { ...base, dependencies: { ...base.dependencies, pino: '^10.0.0' } };
    const merged = mergePackageJson(pkg(base), pkg(ours), pkg(theirs));
    expect(JSON.parse(merged.text)).toEqual(ours);
    expect(merged.kept).toEqual(['dependencies.pino']);
  });
});
