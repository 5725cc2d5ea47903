/**
 * The JSON a report or the live dashboard hands to the page (and `deja stats
 * --json` prints as `series`). Plain data with no imports, so the browser code
 * type-checks against the same shapes.
 */

export const OUTCOMES = ['miss', 'partial-hit', 'full-hit', 'in-flight-join', 'failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The running totals after an event: what a bin keeps from its last event. */
export interface RunningTotals {
  proposals: number;
  evaluations: number;
  best: number | null;
  /** Evaluation cost paid so far. */
  paid: number;
  /** Evaluation cost the full hits and joins did not pay (the mean cost of their function's evaluations). */
  saved: number;
}

export interface BinnedSeries {
  /** Bin width in x units (seconds, or proposals). */
  width: number;
  /** x at each bin's end (so the last may lie up to one width past the last event). */
  x: number[];
  proposals: number[];
  evaluations: number[];
  best: (number | null)[];
  paid: number[];
  saved: number[];
  /** Proposals settled within each bin, by outcome. */
  outcomes: Record<Outcome, number[]>;
  /** Proposals within each bin that cost no evaluation (full hits and joins, failed joins included). */
  hits: number[];
  /** Proposals within each bin that were looked up in the cache (all of them when it is on). */
  lookups: number[];
}

export interface RunSeries {
  /** Binned by seconds since the run started (settle time). */
  byTime: BinnedSeries;
  /** Binned by proposals settled. */
  byProposal: BinnedSeries;
  /** Equivalence-class sizes (proposals sharing one hash) and how many classes have each. */
  classSizes: { size: number[]; classes: number[] };
  totals: RunningTotals & { distinctHashes: number; failed: number; probeSeconds: number; evalSeconds: number; lastSettledAt: number };
  /** Lines that were not events (torn by a crash, or corrupt), skipped. */
  skippedLines: number;
}

/** A candidate as the page shows it: the domain's describe, and its render (SVG or HTML) when it has one. */
export interface CandidateView {
  text: string;
  html?: string;
}

export interface ClassView {
  hash: string;
  proposals: number;
  evaluations: number;
  fitness: number | null;
  /** Distinct encodings (candidates by JSON); null when the log holds no candidates. */
  distinct: number | null;
  members: CandidateView[];
}

export interface RunView {
  /** Short unique name (the folder's). */
  label: string;
  dir: string;
  /** config.json as written by `deja run`. */
  config: Record<string, unknown> | null;
  /** summary.json; null while the run goes (or after a crash). */
  summary: Record<string, unknown> | null;
  series: RunSeries;
  classes: ClassView[];
  best: CandidateView | null;
}

export interface ReportData {
  generatedAt: string;
  runs: RunView[];
}
