/**
 * Chooses the report's charting library by measurement: bundle size and the
 * time to draw one line of N points (default 1M) in headless Chromium, for
 * uPlot, Observable Plot and Vega-Lite (with vega-embed).
 *
 *   npm install --no-save --prefix /tmp/chartlibs uplot vega vega-lite vega-embed @observablehq/plot d3
 *   npm run build && node dist/bench/report/chart-libraries.js --libs /tmp/chartlibs/node_modules [--points 1000000]
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { launchChromium } from '../../test/fixtures/browser.js';

interface Library {
  name: string;
  bundles: string[];
  /** Page script: draws globalThis.xs / ys into #chart and resolves when drawn. */
  draw: string;
}

const LIBRARIES: Library[] = [
  {
    name: 'uPlot 1.6 (canvas)',
    bundles: ['uplot/dist/uPlot.iife.min.js', 'uplot/dist/uPlot.min.css'],
    draw: `new uPlot({ width: 900, height: 300, series: [{}, { stroke: 'steelblue' }] }, [xs, ys], document.getElementById('chart'));`,
  },
  {
    name: 'Observable Plot 0.6 + d3 7 (SVG)',
    bundles: ['d3/dist/d3.min.js', '@observablehq/plot/dist/plot.umd.min.js'],
    draw: `document.getElementById('chart').append(Plot.plot({ width: 900, height: 300, marks: [Plot.line({ length: xs.length }, { x: xs, y: ys, stroke: 'steelblue' })] }));`,
  },
  {
    name: 'Vega-Lite 6 + Vega 6 + vega-embed 7 (canvas)',
    bundles: ['vega/build/vega.min.js', 'vega-lite/build/vega-lite.min.js', 'vega-embed/build/vega-embed.min.js'],
    draw: `const values = Array.from(xs, (x, i) => ({ x, y: ys[i] }));
      await vegaEmbed('#chart', { width: 900, height: 300, data: { values }, mark: 'line',
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } }, { renderer: 'canvas', actions: false });`,
  },
];

function page(lib: Library, libs: string, points: number): { html: string; raw: number; gzip: number } {
  const texts = lib.bundles.map((b) => readFileSync(join(libs, b), 'utf8'));
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  const gzip = texts.reduce((n, t) => n + gzipSync(t).length, 0);
  const tags = lib.bundles.map((b, i) => b.endsWith('.css') ? `<style>${texts[i]}</style>` : `<script>${texts[i]}</script>`).join('\n');
  const html = `<!doctype html><meta charset="utf-8"><script>window.t0 = performance.now();</script>${tags}
<div id="chart"></div>
<script type="module">
  window.tLoaded = performance.now();
  let s = 1; const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const xs = new Float64Array(${points}), ys = new Float64Array(${points});
  for (let i = 0, y = 0; i < xs.length; i++) { xs[i] = i; ys[i] = (y += rnd() - 0.5); }
  const start = performance.now();
  try {
    ${lib.draw}
    await new Promise((r) => requestAnimationFrame(() => r()));
    window.result = { loadMs: window.tLoaded - window.t0, renderMs: performance.now() - start };
  } catch (e) { window.result = { error: String(e) }; }
</script>`;
  return { html, raw: bytes, gzip };
}

const { values } = parseArgs({ options: { libs: { type: 'string', default: 'node_modules' }, points: { type: 'string', default: '1000000' } } });
const points = Number(values.points);
const dir = mkdtempSync(join(tmpdir(), 'deja-chartlibs-'));
const browser = await launchChromium();
try {
  console.log(`${points.toLocaleString('en')} points, one line, 900x300, headless Chromium`);
  console.log('| library | bundle (min) | gzip | script load | render |\n|---|---|---|---|---|');
  for (const lib of LIBRARIES) {
    const { html, raw, gzip } = page(lib, values.libs!, points);
    const file = join(dir, `${lib.name.split(' ')[0]}.html`);
    writeFileSync(file, html);
    const tab = await browser.newPage();
    await tab.goto(pathToFileURL(file).href);
    const r = await tab.waitForFunction('window.result', { timeout: 300_000, polling: 100 }).then((h) => h.jsonValue()) as { loadMs: number; renderMs: number; error?: string };
    await tab.close();
    const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
    console.log(`| ${lib.name} | ${kb(raw)} | ${kb(gzip)} | ${r.error ?? `${r.loadMs.toFixed(0)} ms`} | ${r.error ? '-' : `${(r.renderMs / 1000).toFixed(2)} s`} |`);
  }
} finally {
  await browser.close();
}
