import { channel } from 'node:diagnostics_channel';

/**
 * The one point after the drain where work that must outlive it (a telemetry flush) runs, inside
 * the stop budget. The stop publishes `loopsvc:drained` once the service is drained and closed;
 * a subscriber pushes the promise of its work into `pending` and must settle it within
 * `timeoutMs`. Without a subscriber (no telemetry) this costs nothing; the OpenTelemetry preload
 * (src/telemetry.ts), when the project has one, subscribes its flush here.
 */
const drained = channel('loopsvc:drained');

/** What is left of the stop budget once the drain is done, less a margin for the exit itself. */
const EXIT_MARGIN_MS = 250;

/** Runs the subscribers' work, bounded by `deadline` (performance.now() at which the stop budget ends). */
export async function afterDrain(deadline: number): Promise<void> {
  if (!drained.hasSubscribers) return;
  const pending: Promise<unknown>[] = [];
  drained.publish({ timeoutMs: Math.max(0, deadline - performance.now() - EXIT_MARGIN_MS), pending });
  await Promise.allSettled(pending);
}
