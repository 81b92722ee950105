export declare const PRECOMPILE_OPTIONS: { noEscape: boolean; strict: boolean };
export declare function precompiledTemplatesModule(templatesDir: string, options?: { noEscape: boolean; strict: boolean }): Promise<{ count: number; files: string[]; code: string }>;
