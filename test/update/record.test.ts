import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitBlobId } from '../../generators/shared/blob-id.js';
import { readRecord, RECORD_FILE, withRecord, type ServiceRecord } from '../../generators/update/record.js';
import { removeDir, tempDir } from '../helpers/paths.js';

const answers = { template: 'worker', options: { source: 'memory' }, name: 'jobs', pm: 'npm' } as const;

describe('gitBlobId', () => {
  it.each(['', 'hello\n', 'line one\r\nline two', '\u00e9t\u00e9 \u2013 UTF-8\n'])('is the id git gives %j', async (text) => {
    const { stdout } = await execa('git', ['hash-object', '--stdin'], { input: text });
    expect(gitBlobId(Buffer.from(text))).toBe(stdout.trim());
  });
});

describe('withRecord', () => {
  it('appends the record, naming every other file by its blob id', () => {
    const plan = [
      { path: 'package.json', contents: Buffer.from('{}\n') },
      { path: 'src/main.ts', contents: Buffer.from('main\n') },
    ];
    const files = withRecord(plan, answers, '1.2.3');
    expect(files.map((f) => f.path)).toEqual(['package.json', 'src/main.ts', RECORD_FILE]);
    const record = JSON.parse(files[2]!.contents.toString('utf8')) as ServiceRecord;
    expect(record).toEqual({
      generator: 'create-loopsvc',
      version: '1.2.3',
      ...answers,
      files: { 'package.json': gitBlobId('{}\n'), 'src/main.ts': gitBlobId('main\n') },
    });
  });

  it('replaces a record already in the plan instead of listing it', () => {
    const first = withRecord([{ path: 'a', contents: Buffer.from('a') }], answers, '1.0.0');
    const again = withRecord(first, answers, '1.0.1');
    expect(again.filter((f) => f.path === RECORD_FILE)).toHaveLength(1);
    expect(Object.keys((JSON.parse(again.at(-1)!.contents.toString('utf8')) as ServiceRecord).files)).toEqual(['a']);
  });
});

describe('readRecord', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('loopsvc-record-');
  });
  afterAll(() => removeDir(dir));

  it('is undefined for a service without one', async () => {
    await mkdir(path.join(dir, 'none'));
    expect(await readRecord(path.join(dir, 'none'))).toBeUndefined();
  });

  it('reads back what withRecord wrote', async () => {
    const [record] = withRecord([], answers, '0.1.0');
    await mkdir(path.join(dir, 'ok'));
    await writeFile(path.join(dir, 'ok', RECORD_FILE), record!.contents);
    expect(await readRecord(path.join(dir, 'ok'))).toMatchObject({ version: '0.1.0', template: 'worker', files: {} });
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['another tool', '{"generator":"other","version":"1"}', /no generator and version/],
    ['not a version', '{"generator":"create-loopsvc","version":"latest"}', /no generator and version/],
    ['unknown template', '{"generator":"create-loopsvc","version":"1.0.0","template":"nope"}', /unknown template "nope"/],
  ])('names the fix when it is %s', async (label, text, problem) => {
    const folder = path.join(dir, label.replaceAll(' ', '-'));
    await mkdir(folder);
    await writeFile(path.join(folder, RECORD_FILE), text);
    await expect(readRecord(folder)).rejects.toThrow(problem);
    await expect(readRecord(folder)).rejects.toThrow(/git checkout -- \.loopsvc\.json/);
  });
});
