export declare function gitBlobId(bytes: Buffer): string;
export declare function templatesPack(templatesDir: string): Promise<{ pack: Buffer; files: string[] }>;
