import rootPackage from '../../package.json' with { type: 'json' };

/**
 * The one source of dependency versions for generated projects: the scaffolder's own
 * devDependencies. The templates typecheck against exactly these inside this repo, and one bump
 * updates both. Template package.json files list names with "*" as the version.
 */
const VERSIONS: Readonly<Record<string, string>> = rootPackage.devDependencies;

export function versionOf(dependency: string): string | undefined {
  return Object.hasOwn(VERSIONS, dependency) ? VERSIONS[dependency] : undefined;
}

export const SCAFFOLDER_VERSION: string = rootPackage.version;
