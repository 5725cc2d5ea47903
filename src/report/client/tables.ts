/** The page's tables: one row per run, the time split, the largest classes, the configuration. */
import type { CandidateView, RunView } from '../report-data.js';
import { escapeHtml, fixed, integer, percent, runColor, seconds } from './format.js';

type Json = Record<string, unknown>;
const field = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Json)[k] : undefined), o);
const num = (v: unknown) => (typeof v === 'number' ? v : null);

const swatch = (i: number) => `<span class="swatch" style="background:${runColor(i)}"></span>`;

function heldOut(run: RunView): string {
  const final = field(run.summary, 'best', 'final');
  if (!final) return '–';
  const error = field(final, 'error');
  return typeof error === 'string' ? `failed: ${escapeHtml(error)}` : fixed(num(field(final, 'fitness')));
}

function cacheEnabled(run: RunView): boolean {
  return (field(run.summary, 'cache', 'enabled') ?? field(run.config, 'cache', 'enabled')) !== false;
}

export function runsTable(runs: RunView[]): string {
  const head = ['run', 'domain', 'seed', 'cache', 'status', 'wall', 'proposals', 'evaluations', 'hit rate', 'cost paid', 'cost saved', 'best fitness', 'held-out'];
  const rows = runs.map((r, i) => {
    const t = r.series.totals;
    const hits = sum(r.series.byProposal.hits);
    const lookups = sum(r.series.byProposal.lookups);
    const stop = field(r.summary, 'stopReason');
    return [
      `${swatch(i)}${escapeHtml(r.label)}`, escapeHtml(String(field(r.config, 'domain') ?? '?')), escapeHtml(String(field(r.config, 'seed') ?? '?')),
      cacheEnabled(r) ? 'on' : 'off', typeof stop === 'string' ? `stopped: ${escapeHtml(stop)}` : '<b>running</b>',
      seconds(num(field(r.summary, 'wallSeconds')) ?? t.lastSettledAt), integer(t.proposals), integer(t.evaluations),
      lookups > 0 ? percent(hits / lookups) : '–', fixed(t.paid, 2), fixed(t.saved, 2), fixed(t.best), heldOut(r),
    ];
  });
  return table(head, rows, 'runs');
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Main-thread probe time, evaluation time (summed over workers), wall time. */
export function timeSplit(runs: RunView[]): string {
  const rows = runs.map((r, i) => {
    const t = r.series.totals;
    const wall = num(field(r.summary, 'wallSeconds')) ?? t.lastSettledAt;
    const workers = num(field(r.config, 'workers')) ?? 1;
    const capacity = wall * Math.max(1, workers);
    const bar = (s: number, cls: string) => `<span class="bar ${cls}" style="width:${capacity > 0 ? Math.min(100, (100 * s) / capacity).toFixed(1) : 0}%"></span>`;
    return [`${swatch(i)}${escapeHtml(r.label)}`, seconds(t.probeSeconds), seconds(t.evalSeconds), seconds(wall), String(workers),
      `<div class="split">${bar(t.probeSeconds, 'probe')}${bar(t.evalSeconds, 'eval')}</div>`];
  });
  return table(['run', 'probe + hash (main thread)', 'evaluation (all workers)', 'wall', 'workers', 'share of wall x workers'], rows, 'time-split');
}

export function candidate(view: CandidateView | null): string {
  if (!view) return '–';
  return `${view.html ? `<div class="render">${view.html}</div>` : ''}<code>${escapeHtml(view.text)}</code>`;
}

export function classesTable(run: RunView): string {
  if (run.classes.length === 0) return '<p class="muted">No functional hashes in this run (the cache was off).</p>';
  const rows = run.classes.map((c) => [
    `<code>${c.hash}</code>`, integer(c.proposals), integer(c.evaluations), c.distinct === null ? '–' : integer(c.distinct), fixed(c.fitness),
    `<div class="members">${c.members.map(candidate).map((m) => `<div class="member">${m}</div>`).join('')}</div>`,
  ]);
  return table(['hash', 'proposals', 'evaluations', 'distinct encodings', 'fitness', 'members (up to 3 encodings)'], rows, 'classes');
}

export function configBlock(run: RunView): string {
  return `<details><summary>configuration of ${escapeHtml(run.label)} (${escapeHtml(run.dir)})</summary><pre>${escapeHtml(JSON.stringify(run.config, null, 2))}</pre></details>`;
}

function table(head: string[], rows: string[][], cls: string): string {
  return `<table class="${cls}"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead>`
    + `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}
