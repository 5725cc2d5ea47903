/**
 * `deja report` and `deja serve` in headless Chromium: no console errors, no
 * network, every chart drawn with the expected series and points, the live
 * view following appended events; screenshots go to test-artifacts/.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'puppeteer-core';
import { launchChromium, watchPage } from '../fixtures/browser.js';
import { repoRoot } from '../fixtures/paths.js';
import { syntheticEvents, writeSyntheticRun } from '../fixtures/synthetic-run.js';

const root = repoRoot();
const artifacts = join(root, 'test-artifacts');
const deja = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/deja.js'), ...args], { encoding: 'utf8', timeout: 60_000 });
/** The CLI in a child process, without blocking: the error cases below run side by side. */
function dejaAsync(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin/deja.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
const WAIT = { timeout: 45_000, polling: 100 };

type Charts = Record<string, { series: number; labels: string[]; points: number[] }>;

/** Distinct class sizes of a synthetic run, counted straight from its events. */
function distinctClassSizes(events: number, seed: number): number {
  const sizes = new Map<string, number>();
  for (const e of syntheticEvents({ events, cache: true, seed, dt: 0.1 })) sizes.set(e.hash!, (sizes.get(e.hash!) ?? 0) + 1);
  return new Set(sizes.values()).size;
}

async function openPage(browser: Browser, url: string) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  const seen = watchPage(page);
  await page.goto(url);
  await page.waitForFunction('window.dejaRenders > 0', WAIT);
  return { page, seen };
}

const charts = (page: Page) => page.evaluate('window.dejaCharts') as Promise<Charts>;

describe('report and dashboard in Chromium', () => {
  let browser: Browser;
  let dir: string;
  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'deja-browser-'));
    // 300 events 0.1 s apart with the cache, 200 without: time bins of 1/16 s, floor(29.9 x 16) + 1 = 479 and floor(19.9 x 16) + 1 = 319 of them.
    writeSyntheticRun(join(dir, 'runs', 'with-cache'), { events: 300, cache: true, seed: 1, dt: 0.1 });
    writeSyntheticRun(join(dir, 'runs', 'no-cache'), { events: 200, cache: false, seed: 2, dt: 0.1 });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  it('deja report writes one offline page whose charts hold every run and point', async () => {
    const out = join(dir, 'report.html');
    const r = deja('report', join(dir, 'runs', 'with-cache'), join(dir, 'runs', 'no-cache'), '--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /report of 2 runs \(500 events\) written to .*report\.html/);
    const { page, seen } = await openPage(browser, pathToFileURL(out).href);
    const c = await charts(page);
    assert.deepEqual(Object.keys(c).sort(), ['best-evaluations', 'best-time', 'class-sizes', 'cost', 'evaluations', 'hit-rate', 'outcomes-0', 'outcomes-1']);
    assert.deepEqual(c['best-time'], { series: 2, labels: ['with-cache', 'no-cache'], points: [479, 319] });
    assert.deepEqual(c['cost'].points, [479, 479, 319, 319]);
    assert.deepEqual(c['evaluations'].points, [479, 479, 319, 319]);
    // Stacked outcomes: 479 bins merged 4 to 1 (at most 120 points); 319 merged 3 to 1.
    assert.deepEqual(c['outcomes-0'].points, [120, 120, 120, 120, 120]);
    assert.deepEqual(c['outcomes-1'].points, [107, 107, 107, 107, 107]);
    // Only the run with the cache has hashes: one hit-rate line, one class-size series.
    assert.deepEqual(c['hit-rate'].points, [60]); // 300 proposal bins merged 5 to 1
    assert.deepEqual(c['class-sizes'].points, [distinctClassSizes(300, 1)]);
    assert.equal(c['best-evaluations'].series, 2);
    assert.equal(await page.$$eval('canvas', (els) => els.length), 8);
    assert.equal(await page.$$eval('table.runs tbody tr', (rows) => rows.length), 2);
    assert.equal(await page.$$eval('table.classes tbody tr', (rows) => rows.length), 8);
    assert.deepEqual(seen.errors, []);
    assert.deepEqual(seen.requests, [pathToFileURL(out).href], 'the report loads nothing but itself');
    await page.screenshot({ path: join(artifacts, 'report.png'), fullPage: true });
    await page.close();
  });

  it('deja serve shows the runs live on loopback and follows appended events', async () => {
    const parent = join(dir, 'runs');
    const server: ChildProcess = spawn(process.execPath, [join(root, 'bin/deja.js'), 'serve', parent], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = '';
        server.stdout!.on('data', (d) => {
          text += d;
          const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(text);
          if (m) resolve(m[1]);
        });
        server.once('exit', (code) => reject(new Error(`deja serve exited ${code}`)));
      });
      assert.equal((await fetch(url + 'api/report', { method: 'POST' })).status, 405, 'read-only');
      const { page, seen } = await openPage(browser, url);
      // A parent folder lists its runs by name.
      assert.deepEqual((await charts(page))['best-time'].points, [319, 479]);

      // A third run starts and writes its first events; the page must pick it up without a reload.
      const lines = [...syntheticEvents({ events: 120, cache: true, seed: 3, dt: 0.25 })].map((e) => JSON.stringify(e));
      const live = join(parent, 'live');
      mkdirSync(live);
      writeFileSync(join(live, 'config.json'), JSON.stringify({ name: 'live', domain: 'synthetic', cache: { enabled: true } }));
      writeFileSync(join(live, 'events.jsonl'), lines.slice(0, 40).join('\n') + '\n');
      await page.waitForFunction('window.dejaCharts["best-time"]?.series === 3', WAIT);
      assert.match(await page.$eval('table.runs', (t) => t.textContent!), /live.*running/s);
      assert.deepEqual((await charts(page))['best-time'].labels, ['live', 'no-cache', 'with-cache']);
      const before = (await charts(page))['best-time'].points[0];
      appendFileSync(join(live, 'events.jsonl'), lines.slice(40).join('\n') + '\n');
      await page.waitForFunction(`window.dejaCharts["best-time"].points[0] > ${before}`, WAIT);
      const c = await charts(page);
      // 120 events up to 29.75 s: time bins of 1/16 s, 477 of them.
      assert.deepEqual(c['best-time'].points, [477, 319, 479]);
      assert.equal(c['outcomes-0'].series, 5);
      assert.equal(await page.$eval('#status', (s) => s.textContent), 'live');
      assert.deepEqual(seen.errors, []);
      assert.ok(seen.requests.every((u) => u.startsWith(url)), 'the dashboard talks only to its own server');
      await page.screenshot({ path: join(artifacts, 'serve.png'), fullPage: true });
      await page.close();
    } finally {
      server.kill('SIGTERM');
    }
    const code = await new Promise((resolve) => (server.exitCode !== null ? resolve(server.exitCode) : server.once('exit', resolve)));
    assert.equal(code, 0);
  });

  it('report and serve reject folders that hold no runs in one line; stats --json gives the series', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'deja-empty-'));
    const [a, b, c, stats] = await Promise.all([
      dejaAsync('report', empty), dejaAsync('report', join(empty, 'missing')), dejaAsync('serve', join(empty, 'missing')),
      dejaAsync('stats', join(dir, 'runs', 'with-cache'), '--json'),
    ]);
    for (const r of [a, b, c]) {
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^deja: .*(no events\.jsonl|no such folder)/);
    }
    assert.equal(stats.status, 0, stats.stderr);
    const series = JSON.parse(stats.stdout).series;
    assert.equal(series.totals.proposals, 300);
    assert.equal(series.byTime.x.length, 479);
    assert.equal(series.byProposal.best.at(-1), JSON.parse(readFileSync(join(dir, 'runs', 'with-cache', 'summary.json'), 'utf8')).best.fitness);
  });
});
