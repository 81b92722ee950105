export declare const PRECOMPILE_OPTIONS: { noEscape: boolean; strict: boolean };
export declare function groupSpecifier(group: string): string;
export declare function precompiledTemplatesModule(
  templatesDir: string,
  options?: { noEscape: boolean; strict: boolean },
  specifier?: (group: string) => string,
): Promise<{ count: number; files: string[]; index: string; groups: Map<string, string> }>;
