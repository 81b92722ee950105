// The lint setup of this project: ignores, typescript-eslint's type-aware rules for TypeScript
// (the promise rules see through types, so they catch a floating promise in a signal handler),
// its untyped rules for the plain JavaScript configs, and the loop rules (./loop-rules). The
// options are the loop rules' own (./loop-rules/index.mjs): which files are entry points, which
// one owns the worker pool.
import tseslint from 'typescript-eslint';
import loopRules from './loop-rules/index.mjs';

/** @param {Parameters<typeof loopRules>[0]} options */
export default function projectConfig(options) {
  return [
    { ignores: ['dist/', 'coverage/', 'node_modules/'] },
    {
      // Type-aware TypeScript rules for the whole project (src, test, configs).
      files: ['**/*.ts'],
      extends: [tseslint.configs.recommendedTypeChecked],
      languageOptions: {
        parserOptions: { projectService: true, tsconfigRootDir: options.tsconfigRootDir },
      },
    },
    {
      files: ['**/*.{js,cjs,mjs}'],
      extends: [tseslint.configs.disableTypeChecked],
    },
    ...loopRules(options),
  ];
}
