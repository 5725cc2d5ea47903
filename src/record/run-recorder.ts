/**
 * Writes a run folder: config.json at the start, events.jsonl as the run goes,
 * summary.json at the end. Events are buffered and flushed at least every
 * second (and on exit), so a crash loses at most the last second.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { SearchEvent } from './events.js';
import type { RunSummary } from './summary.js';

const FLUSH_EVERY_MS = 1000;
const FLUSH_EVERY_LINES = 512;

export class RunRecorder {
  private readonly fd: number;
  private lines: string[] = [];
  private lastFlush = Date.now();
  private readonly flushOnExit = () => this.flush();

  /** With `append`, a resumed run keeps its config.json and adds to its events.jsonl. */
  constructor(readonly dir: string, config: unknown, private readonly withCandidates: boolean, append = false) {
    mkdirSync(dir, { recursive: true });
    if (!append) writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
    this.fd = openSync(join(dir, 'events.jsonl'), append ? 'a+' : 'w');
    if (append) this.endPartialLine();
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

  event(event: SearchEvent): void {
    this.lines.push(JSON.stringify(this.withCandidates ? event : { ...event, candidate: undefined }));
    if (this.lines.length >= FLUSH_EVERY_LINES || Date.now() - this.lastFlush >= FLUSH_EVERY_MS) this.flush();
  }

  flush(): void {
    if (this.lines.length > 0) writeSync(this.fd, this.lines.join('\n') + '\n');
    this.lines = [];
    this.lastFlush = Date.now();
  }

  finish(summary: RunSummary): void {
    this.flush();
    closeSync(this.fd);
    process.off('exit', this.flushOnExit);
    writeFileSync(join(this.dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  }
}
