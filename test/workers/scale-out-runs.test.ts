/**
 * `deja run --redis` end to end, on a private Redis with `deja worker`
 * processes: two coordinators with different seeds share one cache (nothing
 * evaluated twice, hits and joins across runs), and a coordinator killed with
 * kill -9 resumes against the same Redis without paying for anything twice.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fixturePath, repoRoot } from '../fixtures/paths.js';
import { startRedis, type RedisServer } from '../fixtures/redis-server.js';
import { startWorker, type WorkerProcess } from '../fixtures/worker-processes.js';

const CLASSES = 16;

interface Coordinator {
  child: ChildProcess;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function coordinator(...args: string[]): Coordinator {
  const child = spawn(process.execPath, [join(repoRoot(), 'bin/deja.js'), ...args, '--no-progress', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = once(child, 'exit').then(() => ({ code: child.exitCode, stdout, stderr }));
  return { child, done };
}

/** The functions (x mod CLASSES) each evaluation that began computed, in order. */
function paidFunctions(file: string): number[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((x) => Number(x) % CLASSES);
}

const duplicates = (list: number[]) => list.filter((v, i) => list.indexOf(v) !== i);

describe('deja run --redis: one cache for every coordinator', { timeout: 180_000 }, () => {
  let redis: RedisServer;
  const workers: WorkerProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'deja-scaleout-'));
  const experiment = (name: string, delayMs: number, maxEvaluations: number) => {
    const file = join(dir, `${name}.json`);
    const recordTo = join(dir, `${name}.paid`);
    writeFileSync(file, JSON.stringify({
      name,
      domain: fixturePath('test-domain'),
      domainOptions: { size: 4 * CLASSES, classes: CLASSES, delayMs, recordTo },
      search: { populationSize: 4, tournamentSize: 2 },
      budget: { maxEvaluations },
    }));
    return { file, recordTo };
  };

  before(async () => {
    redis = await startRedis();
    workers.push(startWorker(redis.url, '--concurrency', '3'), startWorker(redis.url, '--concurrency', '3'));
    await Promise.all(workers.map((w) => w.waitFor(/serving queue/)));
  });
  after(async () => {
    for (const w of workers) await w.kill9();
    await redis.stop();
  });

  it('two coordinators with different seeds evaluate each function once between them', async () => {
    const { file, recordTo } = experiment('shared', 150, 10);
    const runs = [1, 2].map((seed) => coordinator('run', file, '--redis', redis.url, '--workers', '3', '--seed', String(seed), '--out', join(dir, `shared-${seed}`)));
    const results = await Promise.all(runs.map((r) => r.done));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const [a, b] = results.map((r) => JSON.parse(r.stdout));
    const paid = paidFunctions(recordTo);
    assert.deepEqual(duplicates(paid), [], `a function was paid twice: ${paid.join(' ')}`);
    assert.equal(paid.length, a.evaluations + b.evaluations);
    assert.equal(a.cache.store.kind, 'redis');
    assert.doesNotMatch(a.cache.store.location, /:[^:@/]+@/); // never a password
    const shared = ['fullHits', 'inFlightJoins'].reduce((n, k) => n + a.cache.fromOtherRuns[k] + b.cache.fromOtherRuns[k], 0);
    assert.ok(shared > 0, `no hit or join across runs: ${JSON.stringify([a.cache, b.cache])}`);
  });

  it('a coordinator killed with kill -9 resumes on the same Redis and pays for nothing twice', async () => {
    const { file, recordTo } = experiment('killed', 400, 14);
    const out = join(dir, 'killed-run');
    const first = coordinator('run', file, '--redis', redis.url, '--workers', '4', '--out', out);
    // Killed once some evaluations have settled (events reach the file within a second) and others are running.
    const events = join(out, 'events.jsonl');
    while (!existsSync(events) || readFileSync(events, 'utf8').split('\n').filter(Boolean).length < 4) await sleep(50);
    first.child.kill('SIGKILL');
    await first.done;
    const resumed = await coordinator('resume', out, '--redis', redis.url, '--workers', '4').done;
    assert.equal(resumed.code, 0, resumed.stderr);
    const summary = JSON.parse(resumed.stdout);
    // It stops at the evaluation budget, or at the proposal budget once every function is cached.
    assert.ok(['max-evaluations', 'max-proposals'].includes(summary.stopReason), summary.stopReason);
    // Evaluations in flight at the kill finished on the workers; a resumed proposal of the same function
    // adopted this run's claim and read that job's result instead of paying again.
    const paid = paidFunctions(recordTo);
    assert.deepEqual(duplicates(paid), [], `a function was paid twice: ${paid.join(' ')}`);
  });
});
