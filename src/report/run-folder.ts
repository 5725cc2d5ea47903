/**
 * One run folder as the report sees it: its events folded into series, read
 * incrementally (a live run is followed by reading only what was appended),
 * plus config, summary and the largest equivalence classes with their members.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { candidateViewer, type CandidateViewer } from './candidate-view.js';
import { classMembers, type ClassMembers } from './class-members.js';
import { readLines } from './event-lines.js';
import type { RunSeries, RunView } from './report-data.js';
import { RunAccumulator, type ClassHead } from './run-accumulator.js';

/** The live dashboard re-reads class members at most this often. */
const MEMBERS_EVERY_MS = 3000;

async function readJson(path: string): Promise<Record<string, unknown> | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return null; // absent, or being written right now
  }
}

export class RunFolder {
  private acc = new RunAccumulator();
  private offset = 0;
  private viewer?: Promise<CandidateViewer>;
  private members?: { signature: string; at: number; byHash: Map<string, ClassMembers> };

  constructor(readonly dir: string, readonly label: string) {}

  private get eventsPath(): string {
    return join(this.dir, 'events.jsonl');
  }

  /**
   * Folds in the lines appended since the last call; `final` also takes a last
   * line without its newline (a finished file). Returns whether anything changed.
   */
  async refresh(final = true): Promise<boolean> {
    if (!existsSync(this.eventsPath)) return false;
    const size = statSync(this.eventsPath).size;
    if (size < this.offset) {
      // The file was rewritten (a new run with --force): start over.
      this.acc = new RunAccumulator();
      this.offset = 0;
      this.members = undefined;
    }
    if (size === this.offset) return false;
    const before = this.offset;
    for await (const chunk of readLines(this.eventsPath, this.offset, final)) {
      for (const line of chunk.lines) this.acc.addLine(line);
      this.offset = chunk.end;
    }
    return this.offset !== before;
  }

  /** The time series folded in so far. */
  series(): RunSeries {
    return this.acc.series();
  }

  async view(topClasses: number): Promise<RunView> {
    this.viewer ??= candidateViewer(this.dir);
    const viewer = await this.viewer;
    const heads = this.acc.largestClasses(topClasses);
    const members = await this.classMembers(heads);
    const summary = await readJson(join(this.dir, 'summary.json'));
    const summaryBest = (summary?.best as { candidate?: unknown } | null | undefined)?.candidate;
    const best = summaryBest ?? this.acc.best;
    return {
      label: this.label,
      dir: this.dir,
      config: await readJson(join(this.dir, 'config.json')),
      summary,
      series: this.series(),
      classes: heads.map((h) => {
        const m = members.get(h.hash);
        return { ...h, distinct: m?.distinct ?? null, members: (m?.members ?? []).map(viewer) };
      }),
      best: best === undefined ? null : viewer(best),
    };
  }

  /** Members need a pass over the file: done again only when the largest classes changed, and not too often. */
  private async classMembers(heads: ClassHead[]): Promise<Map<string, ClassMembers>> {
    const signature = heads.map((h) => `${h.hash}:${h.proposals}`).join(',');
    const cached = this.members;
    if (cached && (cached.signature === signature || Date.now() - cached.at < MEMBERS_EVERY_MS)) {
      if (heads.every((h) => cached.byHash.has(h.hash))) return cached.byHash;
    }
    const byHash = heads.length && existsSync(this.eventsPath) ? await classMembers(this.eventsPath, heads) : new Map<string, ClassMembers>();
    this.members = { signature, at: Date.now(), byHash };
    return byHash;
  }
}
