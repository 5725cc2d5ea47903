/**
 * A long kill -9 soak: runs `deja run` and kills it at seeded random moments,
 * resuming each time, in every evaluation mode (inline, workers, batches),
 * then checks the log: whole lines, unique ids, counters that add up.
 * Too slow for `npm test`; the test suite runs two kills (test/reliability).
 *
 *   npm run build && node dist/bench/reliability/kill-soak.js [kills per mode]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createRng } from '../../src/random/rng.js';

const kills = Number(process.argv[2] ?? 10);
const bin = fileURLToPath(new URL('../../../bin/deja.js', import.meta.url));
const domain = fileURLToPath(new URL('../../test/fixtures/test-domain.js', import.meta.url));
const rng = createRng(99, 'kill-soak');

function deja(args: string[], killAfterMs?: number): Promise<number | null> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: 'ignore' });
  if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

for (const mode of [{ workers: 0 }, { workers: 2 }, { workers: 2, batchSize: 8 }]) {
  const dir = mkdtempSync(join(tmpdir(), 'deja-soak-'));
  const exp = join(dir, 'e.json');
  writeFileSync(exp, JSON.stringify({ name: 'soak', domain, domainOptions: { size: 2000, classes: 1500, delayMs: 2 }, budget: { maxEvaluations: 1_000_000 }, seed: 1, ...mode }));
  const out = join(dir, 'run');
  await deja(['run', exp, '--out', out, '--no-progress'], 1500 + rng.int(1500));
  let torn = 0;
  for (let k = 1; k < kills; k++) {
    const text = readFileSync(join(out, 'events.jsonl'), 'utf8');
    if (!text.endsWith('\n')) torn++;
    await deja(['resume', out, '--no-progress', '--trust-domain'], 1500 + rng.int(1500));
    await sleep(50);
  }
  const code = await deja(['resume', out, '--no-progress', '--trust-domain', '--max-evals', '1']);
  const events = readFileSync(join(out, 'events.jsonl'), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { id: number });
  const ids = new Set(events.map((e) => e.id));
  console.log(JSON.stringify({ mode, kills, tornTailsSeen: torn, events: events.length, uniqueIds: ids.size === events.length, finalResumeExit: code }));
  if (ids.size !== events.length || code !== 0) process.exitCode = 1;
}
