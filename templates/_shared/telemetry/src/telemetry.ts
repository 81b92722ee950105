import { isMainThread } from 'node:worker_threads';

// The OpenTelemetry preload: `node --import ./dist/telemetry.js dist/main.js` (npm start, npm run
// dev, the Dockerfile, the tests). Worker threads (the piscina pool) inherit the --import flag;
// the SDK (src/startup/otel.ts) runs on the main thread only, so a thread neither loads it nor
// exports anything of its own.
if (isMainThread) await import('./startup/otel.js');
