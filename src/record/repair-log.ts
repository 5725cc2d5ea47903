/**
 * What resume does with the bad lines event-log.ts found: a torn last line is
 * cut off the file (with a notice), corrupt middle lines are refused with their
 * line numbers unless the user asked for --repair, which rewrites the file
 * without them (atomically) and says how many events were dropped.
 */
import { createReadStream, ftruncateSync, openSync, closeSync, fsyncSync, writeSync, constants, renameSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { basename, dirname, join } from 'node:path';
import { syncFolder } from './atomic-file.js';
import { closed, type EventLogReport } from './event-log.js';
import { RunFolderError } from './run-folder.js';

/** Describes bad lines in one line: the first, and how many more. */
export function describeBadLines(report: EventLogReport): string {
  const [first] = report.corrupt;
  const more = report.corrupt.length - 1;
  return `line ${first.line}: ${first.problem}${more > 0 ? ` (and ${more} more bad line${more === 1 ? '' : 's'})` : ''}`;
}

/** Applies the resume policy to a log's bad lines; notices go to `notice`. */
export async function settleBadLines(path: string, report: EventLogReport, repair: boolean, notice: (line: string) => void): Promise<void> {
  if (report.corrupt.length > 0) {
    if (!repair) {
      throw new RunFolderError(`${path}: ${describeBadLines(report)}; the log was damaged or edited. \`deja resume ${dirname(path)} --repair\` drops the bad lines (their events are lost), or restore the file`);
    }
    await rewriteWithout(path, new Set(report.corrupt.map((b) => b.line)), report.tornTail?.line);
    notice(`${path}: dropped ${report.corrupt.length} bad line${report.corrupt.length === 1 ? '' : 's'} (--repair; first: ${describeBadLines(report)})`);
  } else if (report.tornTail) {
    const fd = openSync(path, constants.O_RDWR | constants.O_NOFOLLOW);
    try {
      ftruncateSync(fd, report.tornTail.offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  if (report.tornTail) notice(`${path}: the last line (line ${report.tornTail.line}) was cut short by a crash; dropped it`);
}

/** Copies the log without the given lines (and a torn tail) and renames the copy over it. */
async function rewriteWithout(path: string, drop: Set<number>, tornLine: number | undefined): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
  try {
    let lineNo = 0;
    const input = createReadStream(path);
    for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
      lineNo++;
      if (drop.has(lineNo) || lineNo === tornLine) continue;
      const bytes = Buffer.from(text + '\n');
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
    }
    await closed(input);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  syncFolder(dirname(path));
}
