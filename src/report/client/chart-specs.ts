/**
 * What each chart shows, as uPlot series over aligned data. Runs are overlaid
 * (one colour each) by joining their x columns; a run without the data for a
 * chart (no cache: no hashes, no hit rate) adds no series to it.
 */
import uPlot from 'uplot';
import type { BinnedSeries, RunView } from '../report-data.js';
import { OUTCOMES } from '../report-data.js';
import { fixed, integer, OUTCOME_COLORS, percent, runColor } from './format.js';

export interface Marker {
  series: number;
  label: string;
  color: string;
}

export interface ChartSpec {
  id: string;
  title: string;
  note: string;
  xLabel: string;
  yLabel: string;
  series: uPlot.Series[];
  data: uPlot.AlignedData;
  log?: boolean;
  /** The y axis starts at 0 (counts, rates, stacked areas). */
  fromZero?: boolean;
  /** Bands between stacked series (uPlot fills between series pairs). */
  bands?: uPlot.Band[];
  /** Points at the end of a series, labelled (the stop reason). */
  markers?: Marker[];
  yFormat?: (v: number) => string;
}

type Table = [number[], ...(number | null)[][]];

/** One table per run (x ascending), joined on x; equal x keep the last row. */
function join(tables: Table[]): uPlot.AlignedData {
  const clean = tables.map((t) => {
    const keep = t[0].map((_, i) => i).filter((i) => i === t[0].length - 1 || t[0][i] !== t[0][i + 1]);
    return t.map((col) => keep.map((i) => col[i])) as uPlot.AlignedData;
  });
  if (clean.length === 0) return [[]];
  return clean.length === 1 ? clean[0] : uPlot.join(clean);
}

/** Stacked rates and hit rates read better from fewer, wider bins: merges neighbours exactly. */
const RATE_POINTS = 120;
/** A hit rate needs a few dozen proposals a bin to be more than noise. */
const HIT_RATE_POINTS = 60;

export function coarsen(s: BinnedSeries, maxPoints = RATE_POINTS): BinnedSeries {
  const f = Math.ceil(s.x.length / maxPoints);
  if (f <= 1) return s;
  const groups = Array.from({ length: Math.ceil(s.x.length / f) }, (_, g) => [g * f, Math.min(s.x.length, (g + 1) * f)]);
  const last = <T>(col: T[]) => groups.map(([, b]) => col[b - 1]);
  const sums = (col: number[]) => groups.map(([a, b]) => col.slice(a, b).reduce((x, y) => x + y, 0));
  const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, sums(s.outcomes[o])])) as BinnedSeries['outcomes'];
  return {
    width: s.width * f, x: last(s.x), proposals: last(s.proposals), evaluations: last(s.evaluations), best: last(s.best),
    paid: last(s.paid), saved: last(s.saved), outcomes, hits: sums(s.hits), lookups: sums(s.lookups),
  };
}

/** Share of each bin's lookups that cost no evaluation; null where nothing was looked up. */
export const hitRates = (s: BinnedSeries) => s.hits.map((h, i) => (s.lookups[i] > 0 ? h / s.lookups[i] : null));

const line = (label: string, stroke: string, dash?: number[]): uPlot.Series => ({ label, stroke, width: 2, dash, spanGaps: true, points: { show: false } });

const stopLabel = (run: RunView) => {
  const reason = run.summary?.stopReason;
  return typeof reason === 'string' ? `stopped: ${reason}` : 'running';
};

export function bestFitnessSpecs(runs: RunView[]): ChartSpec[] {
  const withBest = runs.map((r, i) => ({ r, i })).filter(({ r }) => r.series.totals.best !== null);
  const series = withBest.map(({ r, i }) => line(r.label, runColor(i)));
  const markers = withBest.map(({ r, i }, k) => ({ series: k + 1, label: stopLabel(r), color: runColor(i) }));
  return [
    {
      id: 'best-time', title: 'Best fitness over time', note: 'running best of each run; the dot marks where it stopped and why',
      xLabel: 'seconds', yLabel: 'best fitness', series, markers, yFormat: (v) => fixed(v, 3),
      data: join(withBest.map(({ r }) => [r.series.byTime.x, r.series.byTime.best])),
    },
    {
      id: 'best-evaluations', title: 'Best fitness over evaluations', note: 'evaluations actually run (misses and partial hits)',
      xLabel: 'evaluations', yLabel: 'best fitness', series, markers, yFormat: (v) => fixed(v, 3),
      data: join(withBest.map(({ r }) => [r.series.byProposal.evaluations, r.series.byProposal.best])),
    },
  ];
}

/** Proposals per second by outcome, stacked (one chart per run). */
export function outcomeSpec(run: RunView, index: number): ChartSpec {
  const s = coarsen(run.series.byTime);
  const perSecond = (counts: number[]) => counts.map((c) => c / s.width);
  const stacked: number[][] = [];
  OUTCOMES.forEach((o, k) => stacked.push(perSecond(s.outcomes[o]).map((v, i) => v + (k ? stacked[k - 1][i] : 0))));
  return {
    id: `outcomes-${index}`, title: `Where the proposals went: ${run.label}`, note: `proposals per second, stacked by cache outcome (bins of ${fixed(s.width, 3)} s)`,
    xLabel: 'seconds', yLabel: 'proposals / s', data: [s.x, ...stacked], fromZero: true,
    series: OUTCOMES.map((o, k) => ({
      label: o, stroke: OUTCOME_COLORS[o], fill: OUTCOME_COLORS[o] + 'b0', width: 1, points: { show: false },
      value: (_u: uPlot, _v: number | null, _si: number, i: number | null) => (i === null ? '–' : fixed(perSecond(s.outcomes[o])[i], 1)),
    })),
    // Each layer fills down to the one below it, so the areas do not overlap.
    bands: OUTCOMES.slice(1).map((_, k) => ({ series: [k + 2, k + 1] as [number, number], fill: OUTCOME_COLORS[OUTCOMES[k + 1]] + 'b0' })),
  };
}

export function hitRateSpec(runs: RunView[]): ChartSpec {
  const cached = runs.map((r, i) => ({ r, i })).filter(({ r }) => r.series.byProposal.lookups.some((n) => n > 0));
  return {
    id: 'hit-rate', title: 'Hit rate as the population converges', note: 'share of proposals in each bin that cost no evaluation (full hits and in-flight joins)',
    xLabel: 'proposals', yLabel: 'hit rate', yFormat: (v) => percent(v), fromZero: true,
    series: cached.map(({ r, i }) => line(r.label, runColor(i))),
    data: join(cached.map(({ r }) => {
      const s = coarsen(r.series.byProposal, HIT_RATE_POINTS);
      return [s.x, hitRates(s)];
    })),
  };
}

export function savingSpecs(runs: RunView[]): ChartSpec[] {
  const cost = runs.flatMap((r, i) => [line(`${r.label}: paid`, runColor(i)), line(`${r.label}: without the cache`, runColor(i), [6, 4])]);
  const evals = runs.flatMap((r, i) => [line(`${r.label}: evaluations`, runColor(i)), line(`${r.label}: without the cache`, runColor(i), [6, 4])]);
  return [
    {
      id: 'cost', title: 'What the cache saved: evaluation cost', note: 'cumulative cost paid, and paid + saved (what a run without the cache would have paid)',
      xLabel: 'seconds', yLabel: 'cost (domain unit)', series: cost, yFormat: (v) => fixed(v, 1), fromZero: true,
      data: join(runs.map((r) => {
        const s = r.series.byTime;
        return [s.x, s.paid, s.paid.map((p, k) => p + s.saved[k])];
      })),
    },
    {
      id: 'evaluations', title: 'What the cache saved: evaluations', note: 'evaluations run, and proposals (each would have been evaluated without the cache)',
      xLabel: 'seconds', yLabel: 'count', series: evals, yFormat: (v) => integer(v), fromZero: true,
      data: join(runs.map((r) => [r.series.byTime.x, r.series.byTime.evaluations, r.series.byTime.proposals])),
    },
  ];
}

export function classSizeSpec(runs: RunView[]): ChartSpec {
  const hashed = runs.map((r, i) => ({ r, i })).filter(({ r }) => r.series.classSizes.size.length > 0);
  return {
    id: 'class-sizes', title: 'Equivalence classes: size distribution', note: 'how many functional hashes were proposed k times (log-log)',
    xLabel: 'class size (proposals sharing a hash)', yLabel: 'classes', log: true, yFormat: (v) => integer(v),
    series: hashed.map(({ r, i }) => ({ label: r.label, stroke: runColor(i), fill: runColor(i), paths: () => null, points: { show: true, size: 7, width: 1.5 } })),
    data: join(hashed.map(({ r }) => [r.series.classSizes.size, r.series.classSizes.classes])),
  };
}
