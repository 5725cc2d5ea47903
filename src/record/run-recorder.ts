/**
 * Writes a run folder: config.json at the start, events.jsonl as the run goes,
 * summary.json at the end. Events are buffered, and every buffered event reaches
 * the file within FLUSH_EVERY_MS even when nothing else happens (a timer), so a
 * kill -9 loses at most the last second; at the end the file is fsynced.
 * The folder is locked for the recorder's lifetime (run-folder.ts).
 */
import { closeSync, constants, fstatSync, ftruncateSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeFileAtomic } from './atomic-file.js';
import { writeCheckpoint, type CheckpointState } from './checkpoint.js';
import type { SearchEvent } from './events.js';
import { acquireRunLock, checkRunFolder, clearRunFiles, type FolderMode } from './run-folder.js';
import type { RunSummary } from './summary.js';

const FLUSH_EVERY_MS = 1000;
const FLUSH_EVERY_LINES = 512;

/** A write to the run folder failed: says how much of the run is safely on disk. */
export class RecordWriteError extends Error {
  override name = 'RecordWriteError';
  readonly code: string | undefined;
  constructor(errno: NodeJS.ErrnoException, path: string, written: number) {
    super(`cannot write ${path} (${errno.code ?? errno.message}); the ${written} events before it are on disk: fix the cause and continue with \`deja resume\``);
    this.code = errno.code;
  }
}

export class RunRecorder {
  private readonly fd: number;
  private readonly eventsPath: string;
  /** Lines not yet written, encoded as they come (no array of strings to join and encode again). */
  private pending = Buffer.allocUnsafe(1 << 18);
  private pendingBytes = 0;
  private pendingLines = 0;
  private written = 0;
  private timer: NodeJS.Timeout | null = null;
  private failure: RecordWriteError | null = null;
  private readonly release: () => void;
  private checkpoint: { everyMs: number; snapshot: () => Omit<CheckpointState, 'events'>; last: number } | null = null;
  /** Checkpoints written and the milliseconds they took (their cost, reported in the summary notes). */
  readonly checkpoints = { count: 0, ms: 0 };
  /** The process is exiting mid-run (process.exit or an uncaught error, often in domain code): keep what settled. */
  private readonly flushOnExit = (code: number) => {
    try {
      this.flush();
      process.stderr.write(`deja: the process is exiting (code ${code}) in the middle of the run; the ${this.written} settled events are in ${this.eventsPath}: continue with \`deja resume ${this.dir}\`\n`);
    } catch {
      // exiting anyway; the failure was reported when it happened
    }
    this.release();
  };

  /**
   * `new` refuses a folder that holds a run, `replace` (--force) removes the old run's
   * files, `append` (resume) keeps config.json and adds to events.jsonl.
   */
  constructor(readonly dir: string, config: unknown, private readonly withCandidates: boolean, mode: FolderMode | boolean = 'new') {
    const how: FolderMode = mode === true ? 'append' : mode === false ? 'new' : mode;
    checkRunFolder(dir, how);
    this.release = acquireRunLock(dir);
    try {
      checkRunFolder(dir, how); // again, under the lock: another process may have started in between
      if (how === 'replace') clearRunFiles(dir);
      if (how !== 'append') writeFileAtomic(join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
      this.eventsPath = join(dir, 'events.jsonl');
      const { O_WRONLY, O_CREAT, O_APPEND, O_TRUNC, O_NOFOLLOW, O_RDWR } = constants;
      // For new and replace the file is absent (checked, or removed): appending to it or truncating it is the same.
      // Stryker disable next-line ConditionalExpression: as said
      this.fd = openSync(this.eventsPath, (how === 'append' ? O_RDWR | O_APPEND : O_WRONLY | O_TRUNC) | O_CREAT | O_NOFOLLOW, 0o644);
      // Stryker disable next-line ConditionalExpression: (true) the file of new and replace is empty: no partial line
      if (how === 'append') this.endPartialLine();
    } catch (error) {
      this.release();
      throw error;
    }
    process.on('exit', this.flushOnExit);
  }

  /** A crash can cut the last line short; later lines must not be glued to it. */
  private endPartialLine(): void {
    const size = fstatSync(this.fd).size;
    if (size === 0) return;
    const last = Buffer.alloc(1);
    readSync(this.fd, last, 0, 1, size - 1);
    if (last[0] !== 0x0a) writeSync(this.fd, '\n');
  }

  /**
   * Writes checkpoint.json at most every `everyMs` (after a flush, so it matches the
   * events on disk) and at the end: for runs that record no candidates (checkpoint.ts).
   */
  checkpointWith(everyMs: number, snapshot: () => Omit<CheckpointState, 'events'>): void {
    this.checkpoint = { everyMs, snapshot, last: Date.now() };
  }

  /**
   * Records `event` (which has no candidate field) with `candidate` as its last field when candidates
   * are recorded, or when `keepCandidate` (a new best). Passed apart so that an event recorded without
   * its candidate is serialized as it is, not copied first (a copy per event was a measurable cost).
   */
  event(event: SearchEvent, candidate: unknown, keepCandidate = false): void {
    if (this.failure) throw this.failure;
    const json = JSON.stringify(event);
    const candidateJson = this.withCandidates || keepCandidate ? JSON.stringify(candidate) : undefined;
    // As JSON.stringify of the event with its candidate: a candidate that serializes to nothing is left out.
    this.append(candidateJson === undefined ? json : `${json.slice(0, -1)},"candidate":${candidateJson}}`);
    if (this.pendingLines >= FLUSH_EVERY_LINES) this.flush();
    else if (this.timer === null) {
      // Unref'd: a pending flush never keeps the process alive (the exit hook flushes instead).
      this.timer = setTimeout(() => this.flushFromTimer(), FLUSH_EVERY_MS);
      this.timer.unref();
    }
  }

  private append(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit, plus the newline.
    // Stryker disable next-line ArithmeticOperator: (3 * length - 1) a JSON object line has at least two 1-byte characters, so it still fits
    const most = 3 * line.length + 1;
    if (this.pendingBytes + most > this.pending.length) {
      this.flush();
      // Stryker disable next-line ConditionalExpression,EqualityOperator: (true, >=, <=) a buffer sized to each line that does not fit writes the same bytes, only allocates more
      if (most > this.pending.length) this.pending = Buffer.allocUnsafe(most);
    }
    this.pendingBytes += this.pending.write(line, this.pendingBytes);
    this.pending[this.pendingBytes++] = 0x0a;
    this.pendingLines++;
  }

  /** A failure in the timer is kept and thrown at the next event, where the engine can stop cleanly. */
  private flushFromTimer(): void {
    try {
      this.flush();
    } catch {
      // kept in this.failure
    }
  }

  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.failure) throw this.failure;
    if (this.pendingLines === 0) return;
    const bytes = this.pending.subarray(0, this.pendingBytes);
    const start = fstatSync(this.fd).size;
    try {
      // A full disk shows as a short write first, then an error: loop to tell them apart.
      for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done);
    } catch (error) {
      // Part of the text may be on disk: cut it off so the file stays whole lines.
      try {
        ftruncateSync(this.fd, start);
      } catch {
        // a later resume drops a torn last line anyway
      }
      this.failure = new RecordWriteError(error as NodeJS.ErrnoException, this.eventsPath, this.written);
      throw this.failure;
    }
    this.written += this.pendingLines;
    this.pendingLines = 0;
    this.pendingBytes = 0;
    if (this.checkpoint && Date.now() - this.checkpoint.last >= this.checkpoint.everyMs) this.writeCheckpoint();
  }

  private writeCheckpoint(): void {
    if (!this.checkpoint) return;
    const started = performance.now();
    writeCheckpoint(this.dir, { events: this.written, ...this.checkpoint.snapshot() });
    this.checkpoints.count++;
    this.checkpoints.ms += performance.now() - started;
    this.checkpoint.last = Date.now();
  }

  /** The run stopped on an error: keeps what can be kept (no summary), closes, releases the lock. */
  abandon(): void {
    try {
      this.flush();
      fsyncSync(this.fd);
      this.writeCheckpoint();
    } catch {
      // the error that stopped the run is reported by the caller
    } finally {
      closeSync(this.fd);
      process.off('exit', this.flushOnExit);
      this.release();
    }
  }

  /** Flushes, fsyncs and closes events.jsonl, writes summary.json atomically, releases the lock. */
  finish(summary: RunSummary): void {
    try {
      this.flush();
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.writeCheckpoint();
      writeFileAtomic(join(this.dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    } finally {
      process.off('exit', this.flushOnExit);
      this.release();
    }
  }
}
