/**
 * Reads events.jsonl as a stream, line by line (node:readline), so `stats` and
 * `resume` work on logs of many gigabytes in bounded memory, and checks every
 * line: a crash can tear the last line (dropped with a notice, and cut off the
 * file on resume), while a corrupt or wrong-shaped line in the middle means the
 * file was damaged or edited: it is refused with its line number unless the
 * user asks to drop it (--repair). A paid evaluation is never dropped silently.
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { nestingDepth, MAX_INPUT_DEPTH } from '../domain/nesting.js';
import { CACHE_OUTCOMES, type SearchEvent } from './events.js';

/** A line that is not an event, with what is wrong with it. */
export interface BadLine {
  line: number;
  problem: string;
}

export interface EventLogReport {
  events: number;
  /** The last line, cut short by a crash (no newline and not an event), if any. */
  tornTail: (BadLine & { offset: number }) | null;
  /** Bad lines before the end (all of them dropped only with `repair`). */
  corrupt: BadLine[];
  /** Byte length of the whole lines read (where a torn tail starts). */
  bytes: number;
}

const HASH = /^[0-9a-f]{16}$/;
const OUTCOMES = new Set<string>(CACHE_OUTCOMES);

const finiteOrNull = (v: unknown) => v === null || Number.isFinite(v);
const nonNegative = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** What is wrong with a parsed line, or null for a well-formed event. */
export function checkEventShape(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an event object';
  const e = value as Record<string, unknown>;
  if (!Number.isSafeInteger(e.id) || (e.id as number) < 0) return 'id: expected a whole number >= 0';
  if (!(e.parentId === null || (Number.isSafeInteger(e.parentId) && (e.parentId as number) >= 0))) return 'parentId: expected null or a whole number';
  if (!(e.hash === null || (typeof e.hash === 'string' && HASH.test(e.hash)))) return 'hash: expected null or 16 hex digits';
  if (typeof e.outcome !== 'string' || !OUTCOMES.has(e.outcome)) return `outcome: expected one of ${CACHE_OUTCOMES.join(', ')}`;
  if (!finiteOrNull(e.fitness)) return 'fitness: expected a finite number or null';
  if (e.fitness === null && e.outcome !== 'failed') return 'fitness: null, but the outcome is not "failed"';
  if (!nonNegative(e.cost) || !nonNegative(e.probeMs)) return 'cost and probeMs: expected finite numbers >= 0';
  if (!(e.evalMs === null || nonNegative(e.evalMs))) return 'evalMs: expected null or a finite number >= 0';
  if (!nonNegative(e.proposedAt) || !nonNegative(e.settledAt)) return 'proposedAt and settledAt: expected finite numbers >= 0';
  if (e.joined !== undefined && !(Number.isSafeInteger(e.joined) && (e.joined as number) >= 0)) return 'joined: expected a whole number';
  if (nestingDepth(e.candidate) > MAX_INPUT_DEPTH) return `candidate: nests more than ${MAX_INPUT_DEPTH} levels deep`;
  return null;
}

/** Which ids were seen, one bit each, so a duplicated line is caught in bounded memory. */
class IdSet {
  private bits = new Uint8Array(1024);
  /** Adds id; false when it was there already. */
  add(id: number): boolean {
    const byte = id >>> 3;
    if (byte >= this.bits.length) {
      // Stryker disable next-line ArithmeticOperator: any growth to at least byte + 1 holds the same bits (doubling only keeps it amortized)
      const grown = new Uint8Array(Math.max(byte + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << (id & 7);
    if (this.bits[byte] & mask) return false;
    this.bits[byte] |= mask;
    return true;
  }
}

/**
 * Streams the events of `path` to `onEvent`, checking each line. Corrupt middle
 * lines are collected (and their events not passed on); the caller decides
 * whether to refuse or, with --repair, drop them.
 */
export async function readEventLog(path: string, onEvent: (event: SearchEvent, line: number) => void): Promise<EventLogReport> {
  const report: EventLogReport = { events: 0, tornTail: null, corrupt: [], bytes: 0 };
  const ids = new IdSet();
  const input = createReadStream(path);
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNo = 0;
  let pending: BadLine | null = null; // a bad line is torn only if it turns out to be the last
  let pendingOffset = 0;
  for await (const text of lines) {
    lineNo++;
    if (pending) report.corrupt.push(pending);
    pending = null;
    const offset = report.bytes;
    report.bytes += Buffer.byteLength(text) + 1;
    if (text.trim() === '') continue;
    let value: unknown;
    let problem: string | null;
    try {
      value = JSON.parse(text);
      problem = checkEventShape(value);
    } catch {
      problem = 'not valid JSON';
    }
    if (problem === null && !ids.add((value as SearchEvent).id)) problem = `id ${(value as SearchEvent).id} appears twice`;
    if (problem !== null) {
      pending = { line: lineNo, problem };
      pendingOffset = offset;
      continue;
    }
    report.events++;
    onEvent(value as SearchEvent, lineNo);
  }
  await closed(input);
  if (pending) {
    // Only a line without its newline can be a crash's torn write.
    const endsWithNewline = await lastByteIsNewline(path);
    if (endsWithNewline) report.corrupt.push(pending);
    else report.tornTail = { ...pending, offset: pendingOffset };
  }
  report.bytes = Math.min(report.bytes, report.tornTail?.offset ?? report.bytes);
  return report;
}

async function lastByteIsNewline(path: string): Promise<boolean> {
  const { open } = await import('node:fs/promises');
  const handle = await open(path, 'r');
  try {
    // Only called after a bad line was read, so the file is not empty.
    const { size } = await handle.stat();
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, size - 1);
    return byte[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

/** Reads every event into memory (tests, small logs); bad lines are skipped. */
export async function readAllEvents(path: string): Promise<SearchEvent[]> {
  const events: SearchEvent[] = [];
  await readEventLog(path, (e) => events.push(e));
  return events;
}

/**
 * Waits until a read stream's file is closed: the stream closes it only after
 * its last line was read, and a caller may rename or rewrite the file next.
 */
export async function closed(stream: ReadStream): Promise<void> {
  if (!stream.closed) await once(stream, 'close');
}
