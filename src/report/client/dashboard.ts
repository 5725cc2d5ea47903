/**
 * The page of `deja report` (data inlined) and `deja serve` (data polled from
 * the server while runs go): builds every section from a ReportData.
 */
import 'uplot/dist/uPlot.min.css';
import './dashboard.css';
import type { ReportData } from '../report-data.js';
import { bestFitnessSpecs, classSizeSpec, hitRateSpec, outcomeSpec, savingSpecs, type ChartSpec } from './chart-specs.js';
import { card, drawChart, pruneCharts } from './chart-view.js';
import { escapeHtml } from './format.js';
import { candidate, classesTable, configBlock, runsTable, timeSplit } from './tables.js';

declare global {
  interface Window {
    /** Renders so far; the tests wait for it to grow. */
    dejaRenders: number;
    /** Milliseconds from navigation start to the end of the first render (the benchmark reads it). */
    dejaFirstRenderMs?: number;
  }
}
window.dejaRenders = 0;

const POLL_MS = 1000;
const byId = (id: string) => document.getElementById(id)!;

function render(data: ReportData): void {
  const runs = data.runs;
  byId('runs').innerHTML = runs.length ? runsTable(runs) : '<p class="muted">No runs yet: waiting for events.jsonl to appear.</p>';
  const groups: [string, ChartSpec[]][] = [
    ['best', bestFitnessSpecs(runs)],
    ['outcomes', [...runs.map(outcomeSpec), hitRateSpec(runs)]],
    ['saving', savingSpecs(runs)],
    ['classes', [classSizeSpec(runs)]],
  ];
  const ids = new Set<string>();
  for (const [container, specs] of groups) for (const spec of specs) card(byId(container), spec);
  for (const [container, specs] of groups) {
    for (const spec of specs) {
      ids.add(spec.id);
      drawChart(byId(container), spec);
    }
  }
  pruneCharts(ids);
  byId('class-tables').innerHTML = runs.map((r) => `<h3>Largest classes: ${escapeHtml(r.label)}</h3>${classesTable(r)}`).join('');
  byId('time').innerHTML = timeSplit(runs);
  byId('config').innerHTML = runs.map((r) => `<h3>Best of ${escapeHtml(r.label)}</h3><div class="best">${candidate(r.best)}</div>${configBlock(r)}`).join('');
  byId('generated').textContent = `data as of ${new Date(data.generatedAt).toLocaleString()}`;
  window.dejaRenders++;
  window.dejaFirstRenderMs ??= performance.now();
}

async function poll(version: string): Promise<void> {
  let next = version;
  try {
    const res = await fetch(`api/report?since=${encodeURIComponent(version)}`, { cache: 'no-store' });
    if (res.status === 200) {
      const body = (await res.json()) as { version: string; data: ReportData };
      render(body.data);
      next = body.version;
    }
    byId('status').textContent = 'live';
    byId('status').className = 'live';
  } catch {
    byId('status').textContent = 'server gone: showing the last data';
    byId('status').className = 'gone';
  }
  setTimeout(() => void poll(next), POLL_MS);
}

const inline = document.getElementById('deja-data');
if (inline) render(JSON.parse(inline.textContent!) as ReportData);
else void poll('');
