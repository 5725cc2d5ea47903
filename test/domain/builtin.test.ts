/** The built-in domains load lazily: each entry's loader must give the factory of the domain it names. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_DOMAINS } from '../../src/domain/builtin.js';

describe('built-in domains', () => {
  // Import only: building each domain (TensorFlow.js for nas-cell) would make this file slow for every
  // mutant it covers; test/domain/load-domain.test.ts builds the symbolic domain by name.
  it('each entry loads a module whose default export is the domain factory', async () => {
    for (const builtin of BUILTIN_DOMAINS) {
      const module = await builtin.load();
      assert.equal(typeof module.default, 'function', builtin.name);
    }
  });
});
