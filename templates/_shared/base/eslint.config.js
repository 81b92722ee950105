// ESLint flat config. The loop rules (R1–R5 of docs/loop-rules.md, the static half of the event-loop contract)
// come from ./eslint/loop-rules: every message names its rule id and the fix. The runtime half is
// the loop-delay guard in the lifecycle tests; `npm run check` covers dependencies and Dockerfile.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import loopRules from './eslint/loop-rules/index.mjs';

export default defineConfig(
  { ignores: ['dist/', 'coverage/', 'node_modules/'] },
  {
    // Type-aware TypeScript rules for the whole project (src, test, configs).
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ['**/*.{js,cjs,mjs}'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  // The loop rules apply to src/: src/config.ts may read synchronously at top level (startup),
  // src/main.ts alone owns signals and exit codes, src/workers/ run on worker threads.
  ...loopRules({ tsconfigRootDir: import.meta.dirname }),
);
