/** Plain-text rendering of summaries and tables for the terminal. */
import type { RunSummary } from '../record/summary.js';

export const integer = (n: number): string => Math.round(n).toLocaleString('en-US');
export const percent = (x: number): string => `${(100 * x).toFixed(1)}%`;
/** A number with `digits` decimals; never "-0.000000", which shows a sign the value does not have. */
export function fixed(x: number | null, digits = 6): string {
  if (x === null) return '-';
  const text = x.toFixed(digits);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

/** A metric value: whole numbers (counts, sizes) as they are, others with 6 decimals. */
export const metric = (x: number): string => (Number.isInteger(x) ? String(x === 0 ? 0 : x) : fixed(x));

/** A cost with its unit: "3.66 s". */
export const cost = (x: number, unit: string): string => `${fixed(x, 2)} ${unit}`;

/** A number, maybe with % or a unit after a space ("5.00 s"), or "-" for none. Hashes have no space, so they stay text. */
const NUMERIC_CELL = /^(?:[-+]?[\d,]*\.?\d+(?:e[-+]?\d+)?(?:%| [A-Za-z][A-Za-z /]{0,9})?|-)$/;

/** Numeric columns right-aligned, text columns (names, hashes, descriptions) left-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => NUMERIC_CELL.test(r[i])));
  const line = (cells: string[]) => cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function formatSummary(s: RunSummary, outDir?: string): string {
  const c = s.cache;
  const unit = s.costUnit ?? 's';
  const lines = [
    `deja: ${s.name} (${s.domain}), seed ${s.seed}, ${s.workers === 0 ? 'inline' : `${s.workers} worker${s.workers === 1 ? '' : 's'}`}, cache ${c.enabled ? 'on' : 'off'}`,
    `  stopped by     ${s.stopReason} after ${s.wallSeconds.toFixed(1)} s`,
    `  proposals      ${integer(s.proposals)} (${s.proposalsPerSecond.toFixed(1)}/s)`,
    `  evaluations    ${integer(s.evaluations)} (${s.evaluationsPerSecond.toFixed(1)}/s)${s.failed ? `, ${integer(s.failed)} failed` : ''}`,
  ];
  if (c.enabled) {
    lines.push(
      `  cache          ${integer(c.misses)} misses, ${integer(c.partialHits)} partial hits, ${integer(c.fullHits)} full hits, ${integer(c.inFlightJoins)} in-flight joins`,
      `  hit rate       ${percent(c.hitRate)} of proposals cost no evaluation; ${integer(c.size)} hashes cached`,
      `  cost           ${cost(s.evaluationCost, unit)} paid, ${cost(c.costSaved, unit)} saved`,
    );
    const other = c.fromOtherRuns;
    if (other && other.fullHits + other.inFlightJoins > 0) {
      lines.push(`  earlier runs   ${integer(other.fullHits)} full hits on their entries, ${integer(other.inFlightJoins)} joins on their evaluations: cost saved from earlier runs ${other.costSaved.toFixed(2)}`);
    }
    if (c.verified) lines.push(`  verified       ${integer(c.verified)} full hits evaluated anyway: ${integer(c.falseMerges ?? 0)} false merges (a stored fitness another function had)`);
    if (c.store) lines.push(`  cache store    ${c.store.kind === 'memory' ? 'memory (this run only)' : c.store.location}, namespace ${c.store.namespace}`);
  } else {
    lines.push(`  cost           ${cost(s.evaluationCost, unit)} paid`);
  }
  if (s.best) {
    lines.push(`  best fitness   ${fixed(s.best.fitness)} (candidate #${s.best.id})`, `  best           ${truncate(s.best.description, 400)}`);
    // Metric values line up with the values above (column 17) unless a name is longer.
    const metricLines = (metrics: Record<string, unknown> | undefined) => {
      const entries = Object.entries(metrics ?? {});
      const width = Math.max(12, ...entries.map(([key]) => key.length));
      for (const [key, value] of entries) {
        lines.push(`    ${key.padEnd(width)} ${truncate(typeof value === 'number' ? metric(value) : String(value), 186)}`);
      }
    };
    metricLines(s.best.metrics);
    const final = s.best.final;
    if (final !== undefined && 'error' in final) lines.push(`  held-out       ${final.error}`);
    else if (final !== undefined) {
      lines.push(`  held-out       fitness ${fixed(final.fitness)} on work the search never saw (${final.seconds.toFixed(2)} s)`);
      metricLines(final.metrics);
    }
  } else {
    lines.push('  best           none (every evaluation failed)');
  }
  if (outDir) lines.push(`  written to     ${outDir}`);
  return lines.join('\n');
}
