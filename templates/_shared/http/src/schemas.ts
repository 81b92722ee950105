import { Type } from 'typebox';

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

