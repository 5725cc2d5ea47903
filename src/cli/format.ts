/** Plain-text rendering of summaries and tables for the terminal. */
import type { RunSummary } from '../record/summary.js';

export const integer = (n: number): string => Math.round(n).toLocaleString('en-US');
export const percent = (x: number): string => `${(100 * x).toFixed(1)}%`;
export const fixed = (x: number | null, digits = 6): string => (x === null ? '-' : Number.isInteger(x) ? String(x) : x.toFixed(digits));

/** Left-aligned first column, right-aligned others. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function formatSummary(s: RunSummary, outDir?: string): string {
  const c = s.cache;
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
      `  cost           ${s.evaluationCost.toFixed(2)} paid, ${c.costSaved.toFixed(2)} saved`,
    );
    const other = c.fromOtherRuns;
    if (other && other.fullHits + other.inFlightJoins > 0) {
      lines.push(`  earlier runs   ${integer(other.fullHits)} full hits on their entries, ${integer(other.inFlightJoins)} joins on their evaluations: cost saved from earlier runs ${other.costSaved.toFixed(2)}`);
    }
    if (c.verified) lines.push(`  verified       ${integer(c.verified)} full hits evaluated anyway: ${integer(c.falseMerges ?? 0)} false merges (a stored fitness another function had)`);
    if (c.store) lines.push(`  cache store    ${c.store.kind === 'memory' ? 'memory (this run only)' : c.store.location}, namespace ${c.store.namespace}`);
  } else {
    lines.push(`  cost           ${s.evaluationCost.toFixed(2)} paid`);
  }
  if (s.best) {
    lines.push(`  best fitness   ${s.best.fitness.toFixed(6)} (candidate #${s.best.id})`, `  best           ${truncate(s.best.description, 400)}`);
    const metricLines = (metrics: Record<string, unknown> | undefined) => {
      for (const [key, value] of Object.entries(metrics ?? {})) {
        lines.push(`    ${key.padEnd(14)} ${truncate(typeof value === 'number' ? fixed(value) : String(value), 186)}`);
      }
    };
    metricLines(s.best.metrics);
    const final = s.best.final;
    if (final !== undefined && 'error' in final) lines.push(`  held-out       ${final.error}`);
    else if (final !== undefined) {
      lines.push(`  held-out       fitness ${final.fitness.toFixed(6)} on work the search never saw (${final.seconds.toFixed(2)} s)`);
      metricLines(final.metrics);
    }
  } else {
    lines.push('  best           none (every evaluation failed)');
  }
  if (outDir) lines.push(`  written to     ${outDir}`);
  return lines.join('\n');
}
