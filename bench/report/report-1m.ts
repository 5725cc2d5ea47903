/**
 * `deja report` on a synthetic run of N events (default 1,000,000): the time
 * to build the report (the CLI, end to end), the file's size, and the time
 * Chromium takes to open it and draw every chart.
 *
 *   npm run build && node dist/bench/report/report-1m.js [--events 1000000] [--keep DIR]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { launchChromium, watchPage } from '../../test/fixtures/browser.js';
import { repoRoot } from '../../test/fixtures/paths.js';
import { writeSyntheticRun } from '../../test/fixtures/synthetic-run.js';

const { values } = parseArgs({ options: { events: { type: 'string', default: '1000000' }, keep: { type: 'string' } } });
const events = Number(values.events);
const dir = values.keep ?? mkdtempSync(join(tmpdir(), 'deja-report-bench-'));
const run = join(dir, `synthetic-${events}`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

let t = performance.now();
writeSyntheticRun(run, { events, cache: true, seed: 1, dt: 0.002 });
const logBytes = statSync(join(run, 'events.jsonl')).size;
console.log(`events.jsonl: ${events.toLocaleString('en')} events, ${mb(logBytes)}, generated in ${((performance.now() - t) / 1000).toFixed(1)} s`);

const out = join(dir, 'report.html');
t = performance.now();
const r = spawnSync(process.execPath, [join(repoRoot(), 'bin/deja.js'), 'report', run, '--out', out], { encoding: 'utf8' });
const buildSeconds = (performance.now() - t) / 1000;
if (r.status !== 0) throw new Error(`deja report failed (${r.status}): ${r.stderr}`);
console.log(`deja report: ${buildSeconds.toFixed(1)} s end to end (${r.stdout.trim()})`);
console.log(`report.html: ${(statSync(out).size / 1024).toFixed(0)} KB`);

const browser = await launchChromium();
try {
  const renders: number[] = [];
  for (let i = 0; i < 3; i++) {
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 900 });
    const seen = watchPage(page);
    await page.goto(pathToFileURL(out).href);
    await page.waitForFunction('window.dejaRenders > 0', { timeout: 120_000 });
    renders.push(await page.evaluate('window.dejaFirstRenderMs') as number);
    if (seen.errors.length) throw new Error(`console errors: ${seen.errors.join('; ')}`);
    await page.close();
  }
  console.log(`Chromium: navigation start to every chart drawn: ${renders.map((ms) => `${ms.toFixed(0)} ms`).join(', ')} (3 loads)`);
} finally {
  await browser.close();
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
