import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixed, formatSummary, table } from '../../src/cli/format.js';
import type { RunSummary } from '../../src/record/summary.js';
import { fixturePath, repoRoot } from '../fixtures/paths.js';

const root = repoRoot();
const deja = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(root, 'bin/deja.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** An experiment over the test domain, inline, written to a temporary folder. */
function experiment(fields: Record<string, unknown>): { file: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'deja-conventions-'));
  const file = join(dir, 'experiment.json');
  writeFileSync(file, JSON.stringify({ domain: fixturePath('test-domain'), workers: 0, seed: 2, ...fields }));
  return { file, out: join(dir, 'run') };
}

describe('CLI conventions', () => {
  it('--version prints the version in package.json', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    assert.equal(deja('--version').stdout.trim(), version);
  });

  it('warns loudly and exits 4 when more than --max-failed-share of the evaluations failed', () => {
    const throwOn = Array.from({ length: 16 }, (_, i) => i);
    const { file, out } = experiment({ domainOptions: { size: 20, classes: 20, throwOn }, budget: { maxEvaluations: 30 } });
    const r = deja('run', file, '--out', out, '--no-progress');
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stdout, /failed/);
    assert.match(r.stderr, /WARNING: \d+ of \d+ evaluations failed \(\d+\.\d%\), more than --max-failed-share 0.5; exit code 4/);
    assert.match(r.stderr, /failures: \d+ error; first #\d+: candidate \d+ refuses to train/);
    const lenient = deja('run', file, '--out', `${out}-2`, '--no-progress', '--max-failed-share', '1');
    assert.equal(lenient.code, 0, lenient.stderr);
    assert.doesNotMatch(lenient.stderr, /WARNING/);
    const bad = deja('run', file, '--max-failed-share', '2');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--max-failed-share expects a fraction from 0 to 1/);
  });

  it('stats says why members are missing, and left-aligns text columns', () => {
    const { file, out } = experiment({ domainOptions: { size: 200, classes: 5 }, budget: { maxEvaluations: 20 }, record: { candidates: false } });
    assert.equal(deja('run', file, '--out', out, '--no-progress').code, 0);
    const r = deja('stats', out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /members not shown: the run was recorded without candidates \(record\.candidates: false\)/);
    assert.doesNotMatch(r.stdout, /distinct +fitness/);
    assert.match(r.stdout, /^miss {2,}\s*\d/m, 'outcome names are left-aligned');
    assert.match(r.stdout, /^[0-9a-f]{16} {2}/m, 'hashes are left-aligned');
    assert.match(r.stdout, /^miss +\d+ +[\d.]+% +[\d.]+ s$/m, 'costs carry their unit and stay right-aligned');
    assert.match(r.stdout, /cost saved [\d.]+ s \(evaluation cost paid [\d.]+ s\)/);
  });

  it('prints costs with their unit, and no negative zero', () => {
    assert.equal(fixed(-1e-9), '0.000000');
    assert.equal(fixed(-0), '0.000000');
    assert.equal(fixed(-0.5, 2), '-0.50');
    assert.equal(table(['name', 'n'], [['a', '1'], ['long name', '10']]), 'name        n\n---------  --\na           1\nlong name  10');
    const summary = JSON.parse(readFileSync(join(root, 'docs/sample-summary.json'), 'utf8')) as RunSummary;
    const text = formatSummary({ ...summary, costUnit: 'GPU h', best: summary.best && { ...summary.best, metrics: { tiny: -1e-12, count: 3 } } });
    assert.match(text, /cost {11}\d+\.\d\d GPU h paid, \d+\.\d\d GPU h saved/);
    assert.match(text, /^ {4}tiny {9}0\.000000$/m);
    assert.match(text, /^ {4}count {8}3$/m);
  });
});
