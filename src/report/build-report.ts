/** `deja report`: the run folders' events streamed into series, written as one self-contained HTML file. */
import { writeFile } from 'node:fs/promises';
import type { ReportData } from './report-data.js';
import { reportPage } from './report-page.js';
import { RunFolder } from './run-folder.js';
import { resolveRunFolders } from './run-folders.js';

/** Largest equivalence classes shown per run. */
export const TOP_CLASSES = 8;

export async function reportData(folders: readonly RunFolder[], topClasses = TOP_CLASSES): Promise<ReportData> {
  const runs = [];
  for (const folder of folders) runs.push(await folder.view(topClasses));
  return { generatedAt: new Date().toISOString(), runs };
}

export interface WrittenReport {
  path: string;
  bytes: number;
  runs: number;
  events: number;
}

export async function writeReport(dirs: readonly string[], out: string, topClasses = TOP_CLASSES): Promise<WrittenReport> {
  const folders = resolveRunFolders(dirs).map((r) => new RunFolder(r.dir, r.label));
  for (const f of folders) await f.refresh(true);
  const data = await reportData(folders, topClasses);
  const html = reportPage(data, `deja report: ${data.runs.map((r) => r.label).join(', ')}`);
  await writeFile(out, html);
  return { path: out, bytes: Buffer.byteLength(html), runs: data.runs.length, events: data.runs.reduce((n, r) => n + r.series.totals.proposals, 0) };
}
