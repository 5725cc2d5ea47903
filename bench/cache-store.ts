/**
 * The persistent cache store against the in-memory one, side by side in one
 * process: engine overhead per candidate on the hit path (entries in the LRU
 * tier; entries read from the file) and the miss path, the file's size per
 * entry, and two processes on one file (joins, no lost or duplicated entries,
 * kill -9 of one). `npm run build && node dist/bench/cache-store.js [reps]`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'libsql';
import { readEvents } from '../src/record/run-stats.js';
import type { RunSummary } from '../src/record/summary.js';
import { runSearch, type SearchConfig } from '../src/search/run-search.js';
import { domainPath } from './core/paths.js';
import { fmt } from './core/timing.js';

const reps = Number(process.argv[2] ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'deja-store-bench-'));
let dbCount = 0;
const freshDb = () => join(dir, `fec-${dbCount++}.db`);

function config(store: string, classes: number, extra: Partial<SearchConfig> = {}): SearchConfig {
  return {
    name: 'store-bench',
    domain: domainPath('trivial-domain'),
    domainOptions: { classes, mode: 'sync' },
    search: { populationSize: 100, tournamentSize: 10 },
    budget: { maxProposals: 100_000 },
    cache: { store },
    workers: 0,
    seed: 1,
    ...extra,
  };
}

/** Microseconds per candidate, wall and CPU. */
async function perCandidate(cfg: SearchConfig): Promise<{ wall: number; cpu: number; summary: RunSummary }> {
  const c0 = process.cpuUsage();
  const summary = await runSearch(cfg);
  const c = process.cpuUsage(c0);
  return { wall: (summary.wallSeconds * 1e6) / summary.proposals, cpu: (c.user + c.system) / summary.proposals, summary };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function sideBySide(label: string, memory: () => SearchConfig | Promise<SearchConfig>, sqlite: () => SearchConfig | Promise<SearchConfig>) {
  const m: number[] = [];
  const s: number[] = [];
  let last: RunSummary | undefined;
  for (let r = 0; r < reps; r++) {
    m.push((await perCandidate(await memory())).cpu);
    const run = await perCandidate(await sqlite());
    s.push(run.cpu);
    last = run.summary;
  }
  const hitRate = last!.cache.hitRate;
  console.log(`${label}: memory ${fmt(median(m), 2)} us, sqlite ${fmt(median(s), 2)} us per candidate (CPU, median of ${reps}); +${fmt(median(s) - median(m), 2)} us; hit rate ${fmt(100 * hitRate, 1)}%`);
  return { memory: median(m), sqlite: median(s), hitRate };
}

async function overhead() {
  const results: Record<string, unknown> = {};
  results.hitsInTier = await sideBySide('hits (entries in memory / in the LRU tier)', () => config('memory', 1000), () => config(freshDb(), 1000));
  // An earlier run filled the file; this run's hits read it (tier of 100 entries: nearly every hit goes to the file).
  const filled = freshDb();
  await runSearch(config(filled, 20_000, { budget: { maxProposals: 300_000 } }));
  results.hitsFromFile = await sideBySide('hits on an earlier run\'s entries, read from the file', () => config('memory', 20_000, { seed: 2 }),
    () => config(filled, 20_000, { seed: 2, cache: { store: filled, capacity: 100 } }));
  results.misses = await sideBySide('misses (claim committed, result written through)', () => config('memory', 1 << 30, { budget: { maxProposals: 30_000 } }),
    () => config(freshDb(), 1 << 30, { budget: { maxProposals: 30_000 } }));
  return results;
}

function sizePerMillion() {
  const path = freshDb();
  // Rows as the store writes them, inserted in large transactions (the schema is the store's own).
  const db = new Database(path);
  db.close();
  return import('../src/cache/sqlite-store.js').then(({ SqliteStore }) => {
    const store = new SqliteStore({ path, namespace: { key: 'bench@1/x', domain: 'bench', version: '1', fingerprint: {} }, run: { uid: 'u', experiment: 'size', outDir: null }, capacity: 10 });
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const hash = (BigInt(i) * 0x9e3779b97f4a7c15n & 0xffffffffffffffffn).toString(16).padStart(16, '0');
      store.claim(hash, 1);
      store.complete(hash, Math.random(), Math.random());
    }
    store.close();
    const bytes = ['', '-wal'].reduce((b, s) => b + (statFile(path + s)), 0);
    const perMillion = (bytes / n) * 1e6;
    console.log(`store size: ${fmt(bytes / n, 1)} bytes per entry, ${fmt(perMillion / 2 ** 20, 0)} MiB per million entries (${fmt(n)} entries written)`);
    return { bytesPerEntry: bytes / n, mibPerMillion: perMillion / 2 ** 20 };
  });
}

function statFile(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Runs one search in a child process (bench/cache-store-child.ts); resolves with its exit code. */
function child(db: string, outDir: string, seed: number, onStart?: (pid: number) => void): Promise<number | null> {
  const script = fileURLToPath(new URL('./cache-store-child.js', import.meta.url));
  const p = spawn(process.execPath, [script, db, outDir, String(seed)], { stdio: ['ignore', 'ignore', 'inherit'] });
  onStart?.(p.pid!);
  return new Promise((resolve) => p.on('exit', (code) => resolve(code)));
}

function entriesOf(db: string): { entries: number; integrity: string; claims: number } {
  const d = new Database(db);
  const entries = (d.prepare('SELECT COUNT(*) FROM entries').raw(true).get() as [number])[0];
  const claims = (d.prepare('SELECT COUNT(*) FROM claims').raw(true).get() as [number])[0];
  const integrity = (d.prepare('PRAGMA integrity_check').raw(true).get() as [string])[0];
  d.close();
  return { entries, integrity, claims };
}

async function twoProcesses() {
  const db = freshDb();
  const [a, b] = [join(dir, 'run-a'), join(dir, 'run-b')];
  const codes = await Promise.all([child(db, a, 1), child(db, b, 2)]);
  const events = [...readEvents(join(a, 'events.jsonl')), ...readEvents(join(b, 'events.jsonl'))];
  const paid = events.filter((e) => e.evalMs !== null && e.fitness !== null).map((e) => e.hash);
  const joins = events.filter((e) => e.outcome === 'in-flight-join' && e.fromOtherRun).length;
  const hits = events.filter((e) => e.outcome === 'full-hit' && e.fromOtherRun).length;
  const store = entriesOf(db);
  const summaries = [a, b].map((d) => JSON.parse(readFileSync(join(d, 'summary.json'), 'utf8')) as RunSummary);
  console.log(`two runs at once: exit ${codes.join(', ')}; ${joins} joins and ${hits} full hits on the other run's work; ${paid.length} evaluations paid, ${new Set(paid).size} distinct hashes, ${store.entries} entries stored; integrity ${store.integrity}; claims left ${store.claims}`);
  return { codes, joins, hits, paid: paid.length, distinct: new Set(paid).size, entries: store.entries, integrity: store.integrity, evaluations: summaries.map((s) => s.evaluations) };
}

async function killOne() {
  const db = freshDb();
  const [a, b] = [join(dir, 'kill-a'), join(dir, 'kill-b')];
  let victim = 0;
  const survivor = child(db, a, 3);
  const killed = child(db, b, 4, (pid) => (victim = pid));
  await new Promise((resolve) => setTimeout(resolve, 2500));
  process.kill(victim, 'SIGKILL');
  const codes = [await survivor, await killed];
  const store = entriesOf(db);
  const survivorEvents = readEvents(join(a, 'events.jsonl'));
  console.log(`kill -9 of one run after 2.5 s: survivor exit ${codes[0]}, killed ${codes[1]}; integrity ${store.integrity}; ${store.entries} entries; survivor settled ${survivorEvents.length} proposals`);
  return { codes, integrity: store.integrity, entries: store.entries, survivorProposals: survivorEvents.length };
}

console.log(`cache store benchmark (node ${process.version}), files in ${dir}\n`);
const results = { overhead: await overhead(), size: await sizePerMillion(), twoProcesses: await twoProcesses(), killOne: await killOne() };
console.log('\n' + JSON.stringify(results));
