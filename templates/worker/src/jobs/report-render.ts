import { PermanentJobError, type JobHandler } from './job.js';
import type { ReportResult, ReportTask } from '../workers/render-report.js';
import type { HandlerDeps } from './handlers.js';

const MAX_ROWS = 5_000_000; // R2.4: bound the work a single job can ask for

/**
 * report.render {"rows": 200000}: CPU-bound work, run on the piscina pool (R2.4). The handler
 * only awaits the result, so the loop keeps claiming and acknowledging other jobs meanwhile.
 */
export function reportRenderJob(deps: HandlerDeps): JobHandler {
  return async (job, log) => {
    const rows = (job.payload as { rows?: unknown } | null)?.rows;
    if (typeof rows !== 'number' || !Number.isInteger(rows) || rows < 1 || rows > MAX_ROWS) {
      throw new PermanentJobError(`payload.rows must be an integer from 1 to ${MAX_ROWS}`);
    }
    const task: ReportTask = { rows };
    const report = (await deps.cpuPool.run(task)) as ReportResult;
    log.info({ rows: report.rows, totalCents: report.totalCents, sha256: report.sha256 }, 'report rendered');
  };
}
