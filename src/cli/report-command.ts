import { performance } from 'node:perf_hooks';
import { writeReport } from '../report/build-report.js';
import { CliError } from './cli-error.js';
import { integer } from './format.js';

export interface ReportCommandOptions {
  out: string;
}

/** Writes one self-contained HTML file with the runs' charts and tables. */
export async function reportCommand(dirs: string[], options: ReportCommandOptions): Promise<void> {
  const started = performance.now();
  const written = await writeReport(dirs, options.out).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'EACCES' || error.code === 'EISDIR') {
      throw new CliError(`report: cannot write --out ${options.out} (${error.code}); give a writable file path`);
    }
    throw error;
  });
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`deja: report of ${written.runs} run${written.runs === 1 ? '' : 's'} (${integer(written.events)} events) written to ${written.path}, ${(written.bytes / 1024).toFixed(0)} KB in ${seconds.toFixed(1)} s\n`);
}
