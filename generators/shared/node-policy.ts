/**
 * The one Node.js policy of create-loopsvc. It drives what generated services declare and run on
 * (`engines`, `@types/node`'s major, `.nvmrc`, the Docker base image, the generated README), this
 * repository's README, and the CI matrix (`test/e2e`): every generated variant is tested on the
 * Active LTS line, and each template once on the lowest release `engines` admits on each other line
 * (the first of them is the floor).
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
  /**
   * the LTS lines a generated service supports, oldest first, each from the first release every
   * generated dependency accepts: undici 8 needs 22.19, and eslint-plugin-regexp 3's
   * jsdoc-type-pratt-parser 9 needs ^22.22.2 || >=24.15 (found by the floor smoke run, which
   * installs on exactly the floor and fails on any engine warning)
   */
  lines: [
    { major: 22, min: '22.22.2' },
    { major: 24, min: '24.15.0' },
    { major: 26, min: '26.0.0' },
  ],
  /** the lowest version `engines` admits; CI runs a smoke test on exactly this version */
  floor: '22.22.2',
  /** `@types/node` follows the oldest line, so code that typechecks runs on every supported line */
  typesMajor: 22,
} as const;

/** `^22.22.2 || ^24.15.0 || >=26.0.0`: each LTS line from its minimum, and the newest line onwards. */
export const NODE_ENGINES: string = NODE_POLICY.lines
  .map(({ min }, index) => (index === NODE_POLICY.lines.length - 1 ? `>=${min}` : `^${min}`))
  .join(' || ');

/** "Node.js 22.22.2+, 24.15+ or 26" for prose. */
export const NODE_SUPPORTED_TEXT: string = (() => {
  const shown = NODE_POLICY.lines.map(({ major, min }, index) => (index === NODE_POLICY.lines.length - 1 ? String(major) : `${min.replace(/\.0$/, '')}+`));
  const last = shown.pop();
  return `Node.js ${shown.join(', ')} or ${last}`;
})();

/**
 * Whether a Node version (e.g. `process.version`) can run the generated project: what semver's
 * `satisfies(version, NODE_ENGINES)` answers (a prerelease or a malformed version never does),
 * decided from the policy's lines directly. Every run asks this, and semver's range parser and
 * its regular expressions took about 3 ms of a run that has no other use for them.
 */
export function runsGeneratedProject(version: string): boolean {
  const parsed = /^v?(\d+)\.(\d+)\.(\d+)(?:\+[0-9A-Za-z.-]+)?$/.exec(version.trim());
  if (!parsed) return false;
  const given = parsed.slice(1).map(Number);
  const newest = NODE_POLICY.lines.at(-1);
  const line = NODE_POLICY.lines.find(({ major }) => major === given[0]) ?? (newest && (given[0] ?? 0) > newest.major ? newest : undefined);
  if (!line) return false;
  const min = line.min.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((given[i] ?? 0) !== (min[i] ?? 0)) return (given[i] ?? 0) > (min[i] ?? 0);
  return true;
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
