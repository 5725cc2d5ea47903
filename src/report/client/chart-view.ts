/**
 * Draws a ChartSpec with uPlot into a card, and updates it in place (setData)
 * while its series stay the same, so the live view does not flicker.
 * Each drawn chart is listed in `window.dejaCharts` (series and points), which
 * the browser tests read.
 */
import uPlot from 'uplot';
import { escapeHtml } from './format.js';
import type { ChartSpec, Marker } from './chart-specs.js';

export interface ChartInfo {
  series: number;
  labels: string[];
  /** Non-null points of each series. */
  points: number[];
}

declare global {
  interface Window {
    dejaCharts: Record<string, ChartInfo>;
  }
}

const charts = new Map<string, { plot: uPlot; signature: string }>();
window.dejaCharts = {};
const HEIGHT = 260;
const plotWidth = (el: HTMLElement) => Math.max(320, Math.floor(el.getBoundingClientRect().width) - 24);

/** Charts follow their card's width (the grid reflows when the window or the number of cards changes). */
const resizer = new ResizeObserver((entries) => {
  for (const entry of entries) {
    const plot = charts.get((entry.target as HTMLElement).dataset.chart!)?.plot;
    const width = plotWidth(entry.target as HTMLElement);
    if (plot && plot.width !== width) plot.setSize({ width, height: HEIGHT });
  }
});

function drawMarkers(markers: Marker[]) {
  return (u: uPlot) => {
    const ctx = u.ctx;
    ctx.save();
    ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`;
    markers.forEach((m, k) => {
      const ys = u.data[m.series] as (number | null)[];
      let i = ys.length - 1;
      while (i >= 0 && ys[i] == null) i--; // uPlot.join leaves undefined where a run has no row
      if (i < 0 || !u.series[m.series].show) return;
      const x = u.valToPos(u.data[0][i], 'x', true);
      const y = u.valToPos(ys[i]!, 'y', true);
      ctx.fillStyle = m.color;
      ctx.beginPath();
      ctx.arc(x, y, 5 * devicePixelRatio, 0, 2 * Math.PI);
      ctx.fill();
      ctx.textAlign = 'right';
      // Stacked upwards, so runs that stop at the same place keep readable labels.
      ctx.fillText(m.label, x - 8 * devicePixelRatio, y - (8 + 14 * k) * devicePixelRatio);
    });
    ctx.restore();
  };
}

function options(spec: ChartSpec, width: number): uPlot.Options {
  const fmt = spec.yFormat;
  return {
    width, height: HEIGHT,
    scales: spec.log ? { x: { time: false, distr: 3 }, y: { distr: 3 } }
      : { x: { time: false }, y: spec.fromZero ? { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] } : {} },
    axes: [
      { label: spec.xLabel, labelSize: 20, size: 36 },
      { label: spec.yLabel, labelSize: 20, size: 64, values: fmt ? (_u, vals) => vals.map((v) => (v === null ? '' : fmt(v))) : undefined },
    ],
    series: [{ label: spec.xLabel }, ...spec.series],
    bands: spec.bands,
    legend: { live: false },
    cursor: { drag: { x: true, y: false } },
    hooks: spec.markers?.length ? { draw: [drawMarkers(spec.markers)] } : {},
  };
}

/** The chart's card, created empty (cards are laid out before charts measure their width). */
export function card(container: HTMLElement, spec: ChartSpec): HTMLElement {
  let el = container.querySelector<HTMLElement>(`[data-chart="${spec.id}"]`);
  if (!el) {
    el = document.createElement('figure');
    el.className = 'chart';
    el.dataset.chart = spec.id;
    container.append(el);
    resizer.observe(el);
  }
  return el;
}

export function drawChart(container: HTMLElement, spec: ChartSpec): void {
  const el = card(container, spec);
  const signature = JSON.stringify([spec.series.map((s) => s.label), spec.log ?? false]);
  const current = charts.get(spec.id);
  if (current && current.signature === signature) {
    current.plot.setData(spec.data);
  } else {
    current?.plot.destroy();
    el.innerHTML = `<figcaption><b>${escapeHtml(spec.title)}</b><span>${escapeHtml(spec.note)}</span></figcaption>`;
    charts.set(spec.id, { plot: new uPlot(options(spec, plotWidth(el)), spec.data, el), signature });
  }
  window.dejaCharts[spec.id] = {
    series: spec.series.length,
    labels: spec.series.map((s) => String(s.label)),
    points: spec.series.map((_, k) => (spec.data[k + 1] as (number | null)[]).filter((v) => v !== null && v !== undefined).length),
  };
}

/** Removes charts whose ids are not in `keep` (a run folder that went away). */
export function pruneCharts(keep: Set<string>): void {
  for (const [id, c] of charts) {
    if (keep.has(id)) continue;
    c.plot.destroy();
    charts.delete(id);
    delete window.dejaCharts[id];
    document.querySelector(`[data-chart="${id}"]`)?.remove();
  }
}
