import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // templates/ hold generated projects' own tests; they run inside generated projects (e2e).
    exclude: ['templates/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // CLI and e2e tests spawn processes and installs; keep a 2-core machine responsive.
    maxWorkers: 2,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
