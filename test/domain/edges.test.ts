/** Edges of the domain checks that the main suites pass by: values only a careless check would let through. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type Domain, DomainInputError, defineDomain } from '../../src/domain/domain.js';
import { loadDomain } from '../../src/domain/load-domain.js';
import { TFJS_PACKAGES } from '../../src/domain/optional-packages.js';
import { ProbeContractError } from '../../src/domain/probe-contract.js';
import { repoRoot } from '../fixtures/paths.js';

describe('domain check edges', () => {
  it('refuses a costUnit that has a length but is not a string', () => {
    const base = { name: 'd', version: '1', description: 'd', random: () => 0, mutate: (c: number) => c, probe: (c: number) => [c], evaluate: () => ({ fitness: 0 }), describe: String };
    for (const costUnit of [['s'], { length: 2 }]) {
      assert.throws(
        () => defineDomain({ ...base, costUnit } as unknown as Domain<number>),
        (error: Error) => error instanceof DomainInputError && error.message === 'domain "d": costUnit: expected a short unit such as "s" or "GPU h"',
      );
    }
  });

  it('takes stableProbeOutputs only as true or false', () => {
    const base = { name: 'd', version: '1', description: 'd', random: () => 0, mutate: (c: number) => c, probe: (c: number) => [c], evaluate: () => ({ fitness: 0 }), describe: String };
    for (const stableProbeOutputs of [true, false, undefined]) assert.equal(defineDomain({ ...base, stableProbeOutputs }).stableProbeOutputs, stableProbeOutputs);
    for (const stableProbeOutputs of ['yes', 1, null]) {
      assert.throws(
        () => defineDomain({ ...base, stableProbeOutputs } as unknown as Domain<number>),
        (error: Error) => error instanceof DomainInputError && error.message === 'domain "d": stableProbeOutputs: expected true or false',
      );
    }
  });

  it('shows only the first line of the error that stopped a module from loading', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deja-edges-'));
    try {
      const spec = join(dir, 'broken.mjs');
      writeFileSync(spec, "throw new Error('no model file\\n    at load (model.js:1)');\n");
      await assert.rejects(
        loadDomain({ spec, options: {} }),
        (error: Error) => error instanceof DomainInputError && error.message === `domain: cannot load module ${spec}: no model file`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a probe contract breach as such', () => {
    const error = new ProbeContractError('probe is not deterministic');
    assert.equal(error.name, 'ProbeContractError');
    assert.equal(error.message, 'probe is not deterministic');
  });

  it('checks for the TensorFlow.js packages that package.json declares as optional peers', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { peerDependenciesMeta: Record<string, { optional?: boolean }> };
    assert.ok(TFJS_PACKAGES.includes('@tensorflow/tfjs'));
    for (const name of TFJS_PACKAGES) assert.equal(pkg.peerDependenciesMeta[name]?.optional, true, name);
  });
});
