import { PermanentJobError, type JobHandler } from './job.js';
import type { Email } from '../mailer.js';
import type { HandlerDeps } from './handlers.js';

function parse(payload: unknown): Email {
  const p = payload as { to?: unknown; subject?: unknown; text?: unknown } | null;
  if (typeof p?.to !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(p.to)) {
    throw new PermanentJobError('payload.to must be an email address'); // retrying would not help
  }
  if (typeof p.subject !== 'string' || p.subject === '') throw new PermanentJobError('payload.subject must be a non-empty string');
  return { to: p.to, subject: p.subject, text: typeof p.text === 'string' ? p.text : '' };
}

/**
 * email.send {"to": "...", "subject": "...", "text"?: "..."}: an outbound call, awaited with a
 * deadline (R2.2). A timeout or a provider error is an ordinary failure: retried with backoff.
 * Delivery is at-least-once, so a real provider call would pass `job.id` as its idempotency key.
 */
export function emailSendJob(deps: HandlerDeps): JobHandler {
  return async (job, log) => {
    const email = parse(job.payload);
    const { messageId } = await deps.mailer.send(email, { signal: AbortSignal.timeout(deps.mailTimeoutMs) });
    log.info({ to: email.to, messageId }, 'email sent');
  };
}
