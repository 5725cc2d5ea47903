/**
 * The report's narrow reader of events.jsonl: streams the file from a byte
 * offset and yields its complete lines, never holding the whole log. A live
 * run's last line may still be half written, so it is left for the next read
 * unless the caller says the file is final.
 */
import { createReadStream } from 'node:fs';
import type { SearchEvent } from '../record/events.js';

export interface LineChunk {
  lines: string[];
  /** Byte offset just past the last line yielded: where the next read starts. */
  end: number;
}

const NEWLINE = 0x0a;

/** Yields the file's complete lines from `start`, in batches (one per chunk read). */
export async function* readLines(path: string, start = 0, final = true): AsyncGenerator<LineChunk> {
  let pending: Buffer[] = [];
  let offset = start;
  for await (const chunk of createReadStream(path, { start, highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const lines: string[] = [];
    let from = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, from)) {
      const piece = chunk.subarray(from, nl);
      lines.push((pending.length ? Buffer.concat([...pending, piece]) : piece).toString('utf8'));
      pending = [];
      offset += nl + 1 - from;
      from = nl + 1;
    }
    if (from < chunk.length) pending.push(chunk.subarray(from));
    if (lines.length) yield { lines, end: offset };
  }
  if (final && pending.length) {
    const tail = Buffer.concat(pending);
    yield { lines: [tail.toString('utf8')], end: offset + tail.length };
  }
}

/** One parsed event, or null for a blank, torn or corrupt line (a crash can cut the last line short). */
export function parseEvent(line: string): SearchEvent | null {
  if (line.trim() === '') return null;
  try {
    const e = JSON.parse(line) as SearchEvent;
    return typeof e === 'object' && e !== null && typeof e.outcome === 'string' && typeof e.settledAt === 'number' ? e : null;
  } catch {
    return null;
  }
}
