export declare const WAT_FILE: string;
export declare const MODULE_FILE: string;
export declare function assemble(watText: string): Promise<Buffer>;
export declare function moduleText(binary: Buffer): string;
