import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { configError } from './helpers/config.js';

describe('EXAMPLE_JOBS (in-memory source)', () => {
  it('defaults to a few example jobs of every type, so `npm run dev` has work to show', () => {
    const types = loadConfig({}).source.exampleJobs.map((job) => job.type);
    expect(new Set(types)).toEqual(new Set(['email.send', 'report.render', 'flaky']));
  });

  it('expands counts, keeps payloads, and accepts [] for no jobs', () => {
    const jobs = loadConfig({ EXAMPLE_JOBS: '[{"type":"flaky","payload":{"failTimes":1},"count":2}]' }).source.exampleJobs;
    expect(jobs).toEqual([
      { type: 'flaky', payload: { failTimes: 1 } },
      { type: 'flaky', payload: { failTimes: 1 } },
    ]);
    expect(loadConfig({ EXAMPLE_JOBS: '[]' }).source.exampleJobs).toEqual([]);
  });

  it.each(['', 'email.send', '{"type":"flaky"}', '[{"type":"sms.send"}]', '[{"type":"flaky","count":0}]', '[{"type":"flaky","count":1e9}]'])(
    'rejects EXAMPLE_JOBS=%j with one line naming the variable',
    (value) => {
      const { message } = configError({ EXAMPLE_JOBS: value });
      expect(message).toContain('EXAMPLE_JOBS');
      expect(message).not.toContain('\n');
    },
  );
});
