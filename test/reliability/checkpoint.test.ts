/**
 * Runs that record no candidates resume from checkpoint.json (population and
 * best) plus their events; a damaged checkpoint is refused in one line; and a
 * domain's disk cache is trusted only when its checksum matches.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { memoOnDisk } from '../../src/evaluators/diffusion-sampler/disk-memo.js';
import { repoRoot } from '../fixtures/paths.js';
import { fixturePath } from '../fixtures/paths.js';
import { assertOneLine, cli } from './cli-harness.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'deja-checkpoint-'));
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { id: number; candidate?: unknown; fitness: number | null });

describe('checkpoints', () => {
  it('a run without candidates resumes from its checkpoint; new bests keep their candidate', async () => {
    const dir = tmp();
    const exp = join(dir, 'e.json');
    writeFileSync(exp, JSON.stringify({
      name: 'no-candidates', domain: fixturePath('test-domain'), domainOptions: { size: 300, classes: 200 },
      search: { populationSize: 10, tournamentSize: 3 }, budget: { maxEvaluations: 40 }, workers: 0, seed: 2,
      record: { candidates: false, checkpointSeconds: 1 },
    }));
    const run = join(dir, 'run');
    const first = await cli('run', exp, '--out', run, '--no-progress', '--json');
    assert.equal(first.code, 0, first.stderr);
    const checkpoint = JSON.parse(readFileSync(join(run, 'checkpoint.json'), 'utf8'));
    assert.equal(checkpoint.events, lines(join(run, 'events.jsonl')).length);
    assert.equal(checkpoint.population.length, 10);
    const events = lines(join(run, 'events.jsonl'));
    let best = Number.NEGATIVE_INFINITY;
    for (const e of events) {
      if (e.fitness !== null && e.fitness > best) {
        best = e.fitness;
        assert.notEqual(e.candidate, undefined, `new best #${e.id} keeps its candidate`);
      } else assert.equal(e.candidate, undefined);
    }
    const resumed = await cli('resume', run, '--no-progress', '--json', '--trust-domain', '--max-evals', '60');
    assert.equal(resumed.code, 0, resumed.stderr);
    const summary = JSON.parse(resumed.stdout);
    assert.equal(summary.evaluations, 60);
    assert.ok(summary.best.fitness >= best);
    const after = lines(join(run, 'events.jsonl'));
    assert.equal(new Set(after.map((e) => e.id)).size, after.length);
    // Mutations of the checkpoint's population: the resumed part proposes from it, not only at random.
    assert.ok(after.slice(events.length).some((e) => (e as { parentId?: number | null }).parentId !== null));

    writeFileSync(join(run, 'checkpoint.json'), '{"format": 1, "events": 3, "population": [{"id": "x"}]}');
    assertOneLine(await cli('resume', run, '--no-progress', '--trust-domain', '--max-evals', '70'), 2, /checkpoint\.json: population\[0\]: expected \{id, candidate, fitness\}; it was edited or damaged/);
    rmSync(join(run, 'checkpoint.json'));
    assertOneLine(await cli('resume', run, '--no-progress', '--trust-domain', '--max-evals', '70'), 2, /no checkpoint\.json/);
  });

  it('experiments/automl-zero-linear.json (no candidates) resumes', async () => {
    const dir = tmp();
    const run = join(dir, 'run');
    const first = await cli('run', join(repoRoot(), 'experiments/automl-zero-linear.json'), '--out', run, '--no-progress', '--json', '--max-evals', '1000');
    assert.equal(first.code, 0, first.stderr);
    assert.ok(existsSync(join(run, 'checkpoint.json')));
    const resumed = await cli('resume', run, '--no-progress', '--json', '--max-evals', '2000');
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(JSON.parse(resumed.stdout).evaluations, 2000);
  });

  it('a disk cache file is trusted only when its size and checksum match; ".." is refused', async () => {
    const dir = tmp();
    const file = join(dir, 'value.json');
    let computed = 0;
    const compute = () => ++computed;
    const json = { encode: (v: number) => JSON.stringify(v), decode: (b: Buffer) => JSON.parse(b.toString()) as number };
    assert.equal(await memoOnDisk(file, compute, json.encode, json.decode), 1);
    assert.equal(await memoOnDisk(file, compute, json.encode, json.decode), 1, 'read back, not computed');
    writeFileSync(file, '999'); // replaced behind deja's back
    assert.equal(await memoOnDisk(file, compute, json.encode, json.decode), 2, 'a file that does not match its checksum is computed again');
    rmSync(`${file}.sha256`);
    assert.equal(await memoOnDisk(file, compute, json.encode, json.decode), 3, 'a file without its checksum is not trusted');
    assertOneLine(await cli('hash', 'diffusion-sampler', '--expr', '{}', '--options', '{"cacheDir": "../../elsewhere"}'), 2, /cacheDir: a path with "\.\." is not allowed/);
  });
});
