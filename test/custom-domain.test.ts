import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadExperimentFile } from '../src/experiment/load-experiment.js';
import { runSearch } from '../src/search/run-search.js';
import { repoRoot } from './fixtures/paths.js';

const root = repoRoot();

describe('custom-domain example (experiments/custom-domain.json)', () => {
  it('loads a user TypeScript domain in worker threads and finds a majority circuit', async () => {
    const experiment = loadExperimentFile(join(root, 'experiments/custom-domain.json'));
    assert.ok(experiment.domain.endsWith('experiments/custom-domain/nand-circuit.ts'));
    const summary = await runSearch(experiment);
    assert.equal(summary.domain, 'nand-circuit');
    assert.equal(summary.failed, 0);
    assert.ok(summary.cache.fullHits > summary.evaluations, 'truth-table hashing should save most evaluations');
    assert.equal(summary.best?.fitness, 1, `best ${summary.best?.fitness} after ${summary.evaluations} evaluations`);
  });

  it('hashes a circuit from the command line by module path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deja-custom-'));
    // g0 = nand(0,0) = not x0; g1 = nand(g0,g0) = x0 ... two writings of the identity on x0
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ gates: [[0, 0], [3, 3]] }));
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ gates: [[1, 2], [0, 0], [4, 4]] }));
    const hash = (file: string) => spawnSync(process.execPath, [join(root, 'bin/deja.js'), 'hash', 'experiments/custom-domain/nand-circuit.ts', '--candidate', file], { cwd: root, encoding: 'utf8' });
    const a = hash(join(dir, 'a.json'));
    assert.equal(a.status, 0, a.stderr);
    assert.match(a.stdout, /^[0-9a-f]{16}\n$/);
    assert.equal(hash(join(dir, 'b.json')).stdout, a.stdout);
  });
});
