import { setTimeout as sleep } from 'node:timers/promises';

export interface Email {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** Sends one email; rejects when `signal` aborts first (R2.2: every outbound call is bounded). */
  send(email: Email, options: { signal: AbortSignal }): Promise<{ messageId: string }>;
}

/**
 * A stand-in for a mail provider's HTTP API that answers after `latencyMs`, so the example runs
 * without an account. The real one is the same shape with the global fetch, created once and passed
 * to the handlers (R2.2):
 *
 *   const res = await fetch(`${apiUrl}/messages`, { method: 'POST', body: JSON.stringify(email), signal });
 */
export function createSimulatedMailer(options: { latencyMs: number }): Mailer {
  let sent = 0;
  return {
    async send(_email, { signal }) {
      await sleep(options.latencyMs, undefined, { signal }); // the "network": awaited, never blocking (R2.1)
      sent += 1;
      return { messageId: `simulated-${sent}` };
    },
  };
}
