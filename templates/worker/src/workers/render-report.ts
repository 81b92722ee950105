import { createHash } from 'node:crypto';

export interface ReportTask {
  rows: number;
}

export interface ReportResult {
  rows: number;
  totalCents: number;
  byRegion: Record<string, number>;
  sha256: string;
}

const REGIONS = ['north', 'south', 'east', 'west'] as const;

/**
 * Piscina task: runs on a worker thread, so this CPU-heavy loop blocks only that thread, never the
 * worker's event loop (R2.4). It builds `rows` synthetic sales lines as CSV, totals them per region
 * and fingerprints the file: a stand-in for PDF rendering, image resizing or big CSV parsing.
 */
export default function renderReport({ rows }: ReportTask): ReportResult {
  const hash = createHash('sha256');
  const byRegion: Record<string, number> = Object.fromEntries(REGIONS.map((r) => [r, 0]));
  let seed = 2_463_534_242; // xorshift32: the same input gives the same report
  let totalCents = 0;
  for (let row = 0; row < rows; row += 1) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    const amount = (seed >>> 0) % 100_000;
    const region = REGIONS[(seed >>> 0) % REGIONS.length] ?? 'north';
    byRegion[region] = (byRegion[region] ?? 0) + amount;
    totalCents += amount;
    hash.update(`${row},${region},${amount}\n`);
  }
  return { rows, totalCents, byRegion, sha256: hash.digest('hex') };
}
