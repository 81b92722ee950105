// ESLint flat config: typescript-eslint and the loop rules (R1–R5 of docs/loop-rules.md, the
// static half of the event-loop contract), set up in ./eslint/project.mjs; every loop-rule
// message names its rule id and the fix. The runtime half is the loop-delay guard in the
// lifecycle tests; `npm run check` covers dependencies and the Dockerfile.
import { defineConfig } from 'eslint/config';
import projectConfig from './eslint/project.mjs';

// The loop rules apply to src/: src/config.ts may read synchronously at top level (startup),
// src/main.ts alone owns signals and exit codes, src/workers/ run on worker threads.
export default defineConfig(...projectConfig({ tsconfigRootDir: import.meta.dirname }));
