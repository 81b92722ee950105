import { Type } from 'typebox';

// The schemas shared by the routes, written with TypeBox: they type the handlers (the TypeBox type
// provider), validate and serialise, and describe the API in /openapi.json. `npm run build` turns
// this module (and every `*.schemas.ts` one) into plain JSON (src/build/emit-schemas.ts), so the
// built service does not load TypeBox: keep schemas, and nothing else, in these modules.

/**
 * The body of every error answer, in Fastify's own format: a 400 from a request schema, the 413 of
 * BODY_LIMIT_BYTES, the 502/504 of an upstream failure (./routes/fanout.ts), the 503 of a full CPU
 * pool or of event-loop pressure (@fastify/under-pressure, R3.4). Fastify serialises an error
 * with the route's response schema for its status code, so each route lists this schema under
 * every error status it can answer: no field is dropped, and /openapi.json describes it.
 */
export const ErrorReply = Type.Object(
  {
    statusCode: Type.Integer({ description: 'the HTTP status, repeated' }),
    code: Type.Optional(Type.String({ description: 'a stable error code, e.g. FST_ERR_VALIDATION' })),
    error: Type.String({ description: 'the status text, e.g. Bad Request' }),
    message: Type.String({ description: 'what went wrong, for a human' }),
  },
  { description: 'an error, in Fastify\'s format' },
);

// The probes (./routes/health.ts): liveness, and readiness with its two kinds of 503.
/** GET /live */
export const Live = Type.Object({ status: Type.Literal('ok') }, { description: 'the process runs and its loop answers' });
/** GET /ready, 200 */
export const Ready = Type.Object({ status: Type.Literal('ready') }, { description: 'send traffic' });
/** GET /ready, 503 */
export const NotReady = Type.Union([
  Type.Object({ status: Type.Union([Type.Literal('draining'), Type.Literal('saturated')]) }),
  ErrorReply, // @fastify/under-pressure answers with an error
], { description: 'send no traffic: shutting down, the CPU queue is full, or the event loop is under pressure' });
