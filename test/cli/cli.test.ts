import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../fixtures/paths.js';

const root = repoRoot();
// The persistent cache goes to a folder of this test file's own, never the user's.
const cacheDir = mkdtempSync(join(tmpdir(), 'deja-cli-cache-'));
const deja = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(root, 'bin/deja.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, DEJA_CACHE_DIR: cacheDir } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const tmp = () => mkdtempSync(join(tmpdir(), 'deja-cli-'));

/** A user error is one line on stderr, exit code 2, and no stack trace. */
function assertUserError(r: ReturnType<typeof deja>, pattern: RegExp) {
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, pattern);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

describe('deja CLI', () => {
  it('lists the built-in domains', () => {
    const r = deja('domains');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^symbolic\s+Symbolic regression/m);
    for (const name of ['nas-cell', 'diffusion-sampler', 'automl-zero']) assert.match(r.stdout, new RegExp(`^${name}\\s+\\S`, 'm'));
  });

  it('enumerates the NAS-Bench-101 space up to 5 vertices', () => {
    const r = deja('space', 'nas-cell', '--max-vertices', '5', '--json', '--no-progress');
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    assert.equal(result.structuralHashes, 2532);
    assert.deepEqual(result.structuralByVertices, { 2: 1, 3: 6, 4: 84, 5: 2441 });
    assert.ok(result.functionalHashes <= result.structuralHashes);
    assertUserError(deja('space', 'symbolic', '--max-vertices', '5'), /only the nas-cell space/);
    assertUserError(deja('space', 'nas-cell', '--max-vertices', '9'), /--max-vertices: expected 2 to 7/);
  });

  it('prints a hash as 16 hex digits and nothing else, equal for equal functions', () => {
    const a = deja('hash', 'symbolic', '--expr', 'x0 + x0');
    const b = deja('hash', 'symbolic', '--expr', '2*x0');
    const c = deja('hash', 'symbolic', '--expr', 'sin(x0)');
    assert.match(a.stdout, /^[0-9a-f]{16}\n$/);
    assert.equal(a.stdout, b.stdout);
    assert.notEqual(a.stdout, c.stdout);
    const dir = tmp();
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ op: 'mul', args: [{ op: 'const', value: 2 }, { op: 'var', index: 0 }] }));
    assert.equal(deja('hash', 'symbolic', '--candidate', join(dir, 'c.json')).stdout, a.stdout);
  });

  it('rejects bad candidates and options in one line', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ op: 'tan', args: [{ op: 'var', index: 0 }] }));
    assertUserError(deja('hash', 'symbolic', '--candidate', join(dir, 'bad.json')), /candidate: expr\.op: unknown operator "tan"/);
    assertUserError(deja('hash', 'symbolic', '--expr', 'x0 +'), /expression: expected/);
    assertUserError(deja('hash', 'symbolic', '--expr', 'x99'), /expr\.index: .*--options/);
    assertUserError(deja('hash', 'symbolic', '--expr', 'x0', '--options', '{"feynman": "nope"}'), /domainOptions\.feynman/);
    assertUserError(deja('hash', 'nowhere', '--expr', 'x0'), /unknown domain "nowhere"/);
    assertUserError(deja('hash', 'symbolic'), /exactly one of --candidate/);
  });

  it('rejects bad experiment files naming the file and field', () => {
    const dir = tmp();
    const file = join(dir, 'e.json');
    const write = (value: unknown) => writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
    write({ domain: 'symbolic', budget: { maxEvaluations: 10 }, search: { populationSize: -3 } });
    assertUserError(deja('run', file), /e\.json: search\.populationSize: Too small/);
    write({ domain: 'symbolic', budget: { maxEvaluations: 10 }, serch: {} });
    assertUserError(deja('run', file), /unknown field "serch"/);
    write({ domain: 'symbolic', budget: {} });
    assertUserError(deja('run', file), /budget: set at least one of maxEvaluations/);
    write({ domain: 'symbolic', budget: { maxEvaluations: 5 }, domainOptions: { feynman: 'Z' } });
    assertUserError(deja('run', file, '--out', join(dir, 'out')), /domainOptions\.feynman: unknown target "Z"/);
    write('{ "domain": ');
    assertUserError(deja('run', file), /e\.json: not valid JSON/);
    assertUserError(deja('run', join(dir, 'missing.json')), /cannot read the experiment file \(ENOENT\)/);
    assertUserError(deja('run', file, '--workers', 'two'), /--workers expects a whole number/);
    assertUserError(deja('run', file, '--batch-size', '0'), /--batch-size expects a whole number from 1 to/);
    write({ domain: 'symbolic', budget: { maxEvaluations: 5 }, batchSize: 0 });
    assertUserError(deja('run', file), /batchSize: Too small/);
  });

  it('runs an experiment, writes the run folder and reports its statistics', () => {
    const out = join(tmp(), 'run');
    const r = deja('run', 'experiments/feynman-I.6.2a.json', '--out', out, '--max-evals', '80', '--workers', '1', '--seed', '5', '--no-progress');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /hit rate/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    for (const key of ['evaluations', 'proposals', 'wallSeconds']) assert.equal(typeof summary[key], 'number', key);
    for (const key of ['misses', 'partialHits', 'fullHits', 'inFlightJoins', 'hitRate', 'size']) assert.equal(typeof summary.cache[key], 'number', key);
    assert.equal(typeof summary.best.fitness, 'number');
    assert.ok(summary.evaluations <= 80);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    assert.equal(config.seed, 5);
    assert.equal(config.workers, 1);

    const stats = deja('stats', out);
    assert.equal(stats.code, 0, stats.stderr);
    assert.match(stats.stdout, /full-hit/);
    assert.match(stats.stdout, /largest equivalence classes/);
    const json = JSON.parse(deja('stats', out, '--json').stdout);
    assert.equal(json.proposals, summary.proposals);
    assert.equal(json.outcomes.find((o: { outcome: string }) => o.outcome === 'full-hit').count, summary.cache.fullHits);

    assertUserError(deja('run', 'experiments/feynman-I.6.2a.json', '--out', out, '--max-evals', '5'), /already holds a run; continue it with `deja resume/);
    const resumed = deja('resume', out, '--max-evals', String(summary.evaluations + 20), '--no-progress', '--json');
    assert.equal(resumed.code, 0, resumed.stderr);
    const after = JSON.parse(resumed.stdout);
    assert.ok(after.proposals > summary.proposals);
    assert.equal(readFileSync(join(out, 'events.jsonl'), 'utf8').trim().split('\n').length, after.proposals);
    assertUserError(deja('resume', join(out, 'nothing')), /has no config\.json and events\.jsonl/);
    assertUserError(deja('stats', join(out, 'nothing')), /has no events\.jsonl/);
  });
});

describe('deja cache', () => {
  it('keeps entries between runs in DEJA_CACHE_DIR, shows them, prunes and clears them', () => {
    const dir = tmp();
    const env = { ...process.env, DEJA_CACHE_DIR: join(dir, 'cache') };
    const run = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/deja.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 120_000, env });
    const experiment = join(dir, 'e.json');
    writeFileSync(experiment, JSON.stringify({ name: 'twice', domain: 'symbolic', budget: { maxEvaluations: 15 }, workers: 0, search: { populationSize: 8, tournamentSize: 2 } }));
    const first = run('run', experiment, '--out', join(dir, 'a'), '--no-progress', '--json');
    assert.equal(first.status, 0, first.stderr);
    const second = run('run', experiment, '--out', join(dir, 'b'), '--seed', '3', '--no-progress');
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /cost saved from earlier runs/);
    const info = JSON.parse(run('cache', '--json').stdout);
    assert.equal(info.path, join(dir, 'cache', 'fec.db'));
    assert.equal(info.namespaces.length, 1);
    assert.deepEqual(info.namespaces[0].experiments, ['twice']);
    assert.equal(info.entries, JSON.parse(first.stdout).cache.size + JSON.parse(readFileSync(join(dir, 'b', 'summary.json'), 'utf8')).evaluations);
    assert.match(run('cache').stdout, /KiB, \d+ entries in 1 namespace/);
    assert.match(run('cache', 'prune', '--older-than', '1d').stdout, /removed 0 entries/);
    assert.match(run('cache', 'clear', '--domain', 'symbolic').stdout, new RegExp(`removed ${info.entries} entries`));
    assert.equal(run('cache', 'clear').status, 2);
  });
});
