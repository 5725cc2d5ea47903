import { performance } from 'node:perf_hooks';
import { writeReport } from '../report/build-report.js';
import { integer } from './format.js';

export interface ReportCommandOptions {
  out: string;
}

/** Writes one self-contained HTML file with the runs' charts and tables. */
export async function reportCommand(dirs: string[], options: ReportCommandOptions): Promise<void> {
  const started = performance.now();
  // A file system refusal (no folder for --out, no permission) reaches the error boundary: exit code 3.
  const written = await writeReport(dirs, options.out);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`deja: report of ${written.runs} run${written.runs === 1 ? '' : 's'} (${integer(written.events)} events) written to ${written.path}, ${(written.bytes / 1024).toFixed(0)} KB in ${seconds.toFixed(1)} s\n`);
}
