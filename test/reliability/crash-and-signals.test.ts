/**
 * Faults that need a real process: kill -9 at seeded random moments then
 * resume, flush by time, signals (SIGINT, SIGTERM, SIGHUP, and a second signal
 * forcing the exit), concurrent writers, and a full disk (simulated by a
 * file-size limit, which fails writes with EFBIG as a full disk fails them
 * with ENOSPC).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { createRng } from '../../src/random/rng.js';
import { fixturePath, repoRoot } from '../fixtures/paths.js';
import { assertOneLine, cli, DEJA_BIN, startCli } from './cli-harness.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'deja-crash-'));

function experimentFile(dir: string, extra: Record<string, unknown> = {}, domainOptions: Record<string, unknown> = {}): string {
  const file = join(dir, `experiment-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({
    name: 'crash', domain: fixturePath('test-domain'), domainOptions: { size: 400, classes: 300, ...domainOptions },
    search: { populationSize: 8, tournamentSize: 3 }, budget: { maxEvaluations: 100_000 }, workers: 0, seed: 7, ...extra,
  }));
  return file;
}

const eventLines = (path: string): string[] => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l !== '') : []);

/** Resolves with the exit code (or the signal's conventional code) and stderr. */
function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
}

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await sleep(25);
  }
}

describe('crashes and signals', () => {
  it('kill -9 at seeded random moments (inline, batches) loses only the last second; resume goes on from whole lines', async () => {
    const dir = tmp();
    const rng = createRng(21, 'kill-moments');
    // (Plain workers: bench/reliability-soak.ts, with many more kills.)
    const modes: Array<Record<string, unknown>> = [{ workers: 0 }, { workers: 2, batchSize: 4 }];
    for (const mode of modes) {
      const out = join(dir, `run-${modes.indexOf(mode)}`);
      const events = join(out, 'events.jsonl');
      const child = startCli(['run', experimentFile(dir, mode, { delayMs: 3, size: 10_000, classes: 5000 }), '--out', out, '--no-progress']);
      const done = exited(child);
      await waitFor(() => eventLines(events).length > 0);
      await sleep(100 + rng.int(700));
      child.kill('SIGKILL');
      const { signal } = await done;
      assert.equal(signal, 'SIGKILL');
      const before = eventLines(events);
      // Every whole line is an event; at most the last one is torn.
      const parsed = before.filter((line, i) => {
        try {
          JSON.parse(line);
          return true;
        } catch {
          assert.equal(i, before.length - 1, 'only the last line may be torn');
          return false;
        }
      });
      const evaluated = parsed.filter((line) => JSON.parse(line).evalMs !== null).length;
      const r = await cli('resume', out, '--no-progress', '--json', '--trust-domain', '--workers', '0', '--max-evals', String(evaluated + 20));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /taking over the lock of a deja process that is gone/);
      const after = eventLines(events).map((l) => JSON.parse(l) as { id: number });
      assert.equal(new Set(after.map((e) => e.id)).size, after.length, 'ids stay unique');
      assert.ok(after.length > parsed.length, `resume added no events: ${r.stdout.slice(0, 600)} ${r.stderr}`);
      assert.equal(existsSync(join(out, '.deja-lock')), false, 'the lock is released');
    }
  });

  it('a settled event reaches the file within a second even when nothing else settles', async () => {
    const dir = tmp();
    const out = join(dir, 'run');
    const events = join(out, 'events.jsonl');
    // One slow evaluation at a time: the second settles 2 s after the first.
    const child = startCli(['run', experimentFile(dir, {}, { delayMs: 2000 }), '--out', out, '--no-progress']);
    const done = exited(child);
    await waitFor(() => existsSync(events) && statSync(events).size > 0);
    const seen = eventLines(events).length;
    child.kill('SIGKILL');
    await done;
    assert.equal(seen, 1, 'the first event was on disk before the second settled');
  });

  it('SIGTERM and SIGHUP stop a run with a summary and exit 143, 129 (SIGINT: next test); a second signal forces the exit', async () => {
    const dir = tmp();
    for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
      const out = join(dir, signal);
      const child = startCli(['run', experimentFile(dir, {}, { delayMs: 20 }), '--out', out, '--no-progress', '--json']);
      const done = exited(child);
      await waitFor(() => eventLines(join(out, 'events.jsonl')).length > 0);
      child.kill(signal);
      const r = await done;
      assert.equal(r.code, code, r.stderr);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
      assert.equal(summary.stopReason, 'interrupted');
      assert.equal(eventLines(join(out, 'events.jsonl')).length, summary.proposals, 'every settled event is on disk');
      assert.equal(existsSync(join(out, '.deja-lock')), false);
    }
    // finalEvaluate takes 30 s: the first SIGTERM waits for it, the second exits at once.
    const out = join(dir, 'forced');
    const child = startCli(['run', experimentFile(dir, { budget: { maxEvaluations: 3 } }, { final: 'slow' }), '--out', out, '--no-progress']);
    const done = exited(child);
    await waitFor(() => eventLines(join(out, 'events.jsonl')).length >= 3);
    child.kill('SIGTERM');
    await sleep(300);
    child.kill('SIGTERM');
    const r = await done;
    assert.equal(r.code, 143, r.stderr);
    assert.equal(eventLines(join(out, 'events.jsonl')).length, 3, 'the exit hook flushed what had settled');
  });

  it('one writer per run folder: a second run or a resume is refused while the first is running', async () => {
    const dir = tmp();
    const out = join(dir, 'run');
    const exp = experimentFile(dir, {}, { delayMs: 20 });
    const child = startCli(['run', exp, '--out', out, '--no-progress']);
    const done = exited(child);
    await waitFor(() => eventLines(join(out, 'events.jsonl')).length > 0);
    assertOneLine(await cli('run', exp, '--out', out, '--no-progress', '--force'), 2, new RegExp(`in use by deja \\(pid ${child.pid} `));
    assertOneLine(await cli('resume', out, '--no-progress', '--trust-domain'), 2, /in use by deja/);
    child.kill('SIGINT');
    assert.equal((await done).code, 130);
    assert.equal(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).stopReason, 'interrupted');
    const lines = eventLines(join(out, 'events.jsonl')).map((l) => JSON.parse(l) as { id: number });
    assert.equal(new Set(lines.map((e) => e.id)).size, lines.length);
  });

  it('a full disk stops the run in one line (exit 3) with what is on disk; resume continues after it', async () => {
    const dir = tmp();
    const out = join(dir, 'run');
    const exp = experimentFile(dir, { record: { candidates: true } }, { delayMs: 1 });
    // ulimit -f counts 512-byte blocks: 64 blocks = 32 KiB of events.
    const child = spawn('bash', ['-c', `ulimit -f 64; exec "${process.execPath}" "${DEJA_BIN}" run "${exp}" --out "${out}" --no-progress`], { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    const r = await exited(child);
    assert.equal(r.code, 3, r.stderr);
    const last = r.stderr.trim().split('\n').pop()!;
    assert.match(last, /^deja: the file size limit is reached: cannot write .*events\.jsonl \(EFBIG\); the \d+ events before it are on disk/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    const before = eventLines(join(out, 'events.jsonl'));
    for (const line of before) JSON.parse(line); // whole lines only
    const evaluated = before.filter((line) => JSON.parse(line).evalMs !== null).length;
    const resumed = await cli('resume', out, '--no-progress', '--json', '--trust-domain', '--max-evals', String(evaluated + 10));
    assert.equal(resumed.code, 0, resumed.stderr);
  });
});
