import satisfies from 'semver/functions/satisfies.js';

/**
 * The one Node.js policy of create-loopsvc. It drives what generated services declare and run on
 * (`engines`, `@types/node`'s major, `.nvmrc`, the Docker base image, the generated README), this
 * repository's README, and the CI matrix (`test/e2e`): every generated variant is tested on the
 * Active LTS line, and each template once on the floor that `engines` admits.
 *
 * Node's release lines as of this release (nodejs.org/en/about/previous-releases):
 * 26 is the Active LTS; 24 and 22 are in maintenance; 20 reached its end of life on 2026-04-30.
 * Odd lines are never LTS, so `engines` leaves them out.
 *
 * The scaffolder CLI itself runs on any Node >= 20.19 (root package.json `engines`), because
 * people run `npm create` with the Node they have; it says so when that Node is too old for the
 * project it generates.
 */
export const NODE_POLICY = {
  /** the line the Docker image and `.nvmrc` use, and CI tests every variant on */
  activeLts: 26,
  /** the LTS lines a generated service supports, oldest first */
  lines: [22, 24, 26],
  /**
   * the lowest version `engines` admits: undici 8 needs 22.19 (vitest 5 needs 22.12,
   * typescript-eslint and the OpenTelemetry SDK 22); CI runs a smoke test on exactly this version
   */
  floor: '22.19.0',
  /** `@types/node` follows the oldest line, so code that typechecks runs on every supported line */
  typesMajor: 22,
} as const;

/** `^22.19.0 || ^24.0.0 || >=26.0.0`: the floor of the oldest line, every later LTS line, and newer. */
export const NODE_ENGINES: string = NODE_POLICY.lines
  .map((line, index) => {
    if (index === 0) return `^${NODE_POLICY.floor}`;
    return index === NODE_POLICY.lines.length - 1 ? `>=${line}.0.0` : `^${line}.0.0`;
  })
  .join(' || ');

/** "Node.js 22.19+, 24 or 26" for prose. */
export const NODE_SUPPORTED_TEXT: string = (() => {
  const [first, ...rest] = NODE_POLICY.lines;
  const later = rest.map(String);
  const last = later.pop();
  return `Node.js ${NODE_POLICY.floor.replace(/\.0$/, '')}+${later.length > 0 ? `, ${later.join(', ')}` : ''} or ${last ?? first}`;
})();

/** Whether a Node version (e.g. `process.version`) can run the generated project. */
export function runsGeneratedProject(version: string): boolean {
  return satisfies(version.replace(/^v/, ''), NODE_ENGINES);
}

/**
 * A one-line note for people whose Node cannot run what they generate (the CLI itself still works
 * for them), naming the fix. Undefined when their Node is fine.
 */
export function nodeVersionNote(version: string): string | undefined {
  if (runsGeneratedProject(version)) return undefined;
  return (
    `note: the generated project needs ${NODE_SUPPORTED_TEXT} ("engines": "${NODE_ENGINES}"), and this is Node ${version}; ` +
    `install Node ${NODE_POLICY.activeLts} (the project's .nvmrc says so: nvm install, fnm use, or nodejs.org) before running its scripts`
  );
}
