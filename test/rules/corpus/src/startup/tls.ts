import { readFileSync } from 'node:fs';

// Startup folder: read once at module top level, then shared.
export const tls = { key: readFileSync('tls/key.pem'), cert: readFileSync('tls/cert.pem') }; // clean: certificates read at startup
