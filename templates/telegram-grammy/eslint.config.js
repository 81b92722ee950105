// ESLint flat config: typescript-eslint and the loop rules (R1-R5 of docs/loop-rules.md), set up
// in ./eslint/project.mjs, plus the grammY rules below. Type-aware, so the promise rules see
// through types: they reject grammY's documented `process.once('SIGINT', () => bot.stop())` (R4.1).
// The runtime half is the loop-delay guard in the lifecycle tests; `npm run check` covers
// dependencies and the Dockerfile.
import { defineConfig } from 'eslint/config';
import projectConfig from './eslint/project.mjs';

// R4.3-R4.5: only src/polling.ts starts or stops polling, so a webhook process never polls and a
// handler never stops the bot under the update in progress. Matched by the name `bot`: a heuristic.
const pollingOnlyInPollingTs = [
  {
    selector: "CallExpression[callee.object.name='bot'][callee.property.name=/^(start|stop)$/]",
    message: 'R4.3: only src/polling.ts starts and stops polling (and webhook mode never polls, R4.5).',
  },
  {
    selector: "CallExpression[callee.name='run'][arguments.0.name='bot']",
    message: 'R4.4: only src/polling.ts runs the grammY runner.',
  },
];

export default defineConfig(
  // src/main.ts is the composition root; `npm run webhook:set` (src/set-webhook.ts) is the other
  // entry point of the webhook variant and owns its exit code too. src/resources.ts opens the one
  // worker pool (R2.4).
  ...projectConfig({
    tsconfigRootDir: import.meta.dirname,
    main: ['src/main.ts', 'src/set-webhook.ts'],
    pool: ['src/resources.ts'],
  }),
  {
    name: 'grammy/polling-in-one-place',
    files: ['src/**/*.ts'],
    ignores: ['src/polling.ts'],
    rules: { 'no-restricted-syntax': ['error', ...pollingOnlyInPollingTs] },
  },
);
