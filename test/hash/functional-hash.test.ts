import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import xxhash from 'xxhash-wasm';
import { createFunctionalHasher, keyHeader, rememberingHashes } from '../../src/hash/functional-hash.js';

const key = { domain: 'golden', version: '1' };
const ramp = Array.from({ length: 64 }, (_, i) => Math.sin(i) * 10 ** ((i % 7) - 3));

describe('functional hash', () => {
  it('uses standard xxHash64 (published vector for empty input, seed 0)', async () => {
    const { h64Raw } = await xxhash();
    assert.equal(h64Raw(new Uint8Array(0), 0n).toString(16), 'ef46db3751d8e999');
  });

  // Golden vectors: a change here changes every stored hash. If it is intended,
  // bump HASH_FORMAT_VERSION (or the domain's version) and update these.
  it('matches the golden vectors of hash format 1', async () => {
    const h = await createFunctionalHasher();
    assert.equal(h.forKey(key)([]), '61e75cfc85efd19e');
    assert.equal(h.forKey(key)([1]), '30be725506841f42');
    assert.equal(h.forKey(key)([Number.NaN, -0, Infinity, -Infinity]), '3bb38f999d9d4647');
    assert.equal(h.forKey(key)(ramp), '45108348121cccbc');
    assert.equal(h.forKey({ ...key, mantissaBits: 8 })(ramp), '22c670216f4c3bec');
    assert.equal(h.forKey({ ...key, probeKey: 'p=1' })([1]), '39e7977b7edb6905');
  });

  it('prints 16 lowercase hex digits', async () => {
    const h = await createFunctionalHasher();
    for (let i = 0; i < 50; i++) assert.match(h.forKey(key)([i, i * 0.5]), /^[0-9a-f]{16}$/);
  });

  it('separates domains, versions, probe configurations and mantissa settings', async () => {
    const h = await createFunctionalHasher();
    const values = [1, 2, 3];
    const hashes = new Set([
      h.forKey(key)(values),
      h.forKey({ ...key, domain: 'other' })(values),
      h.forKey({ ...key, version: '2' })(values),
      h.forKey({ ...key, probeKey: 'seed=2' })(values),
      h.forKey({ ...key, mantissaBits: 23 })(values),
    ]);
    assert.equal(hashes.size, 5);
    assert.notEqual(keyHeader(key), keyHeader({ ...key, probeKey: '' , domain: 'golden|1' }));
  });

  it('hashes equal functions equally and different ones differently', async () => {
    const hash = (await createFunctionalHasher()).forKey(key);
    assert.equal(hash([0.1 + 0.2, -0]), hash(new Float64Array([0.3, 0])));
    assert.notEqual(hash([1, 2]), hash([2, 1]));
    assert.notEqual(hash([1]), hash([1, 0]));
    assert.notEqual(hash([1]), hash([-1]));
  });

  it('handles long probe vectors and reuses its scratch buffer safely', async () => {
    const hash = (await createFunctionalHasher()).forKey(key);
    const long = Float64Array.from({ length: 4096 }, (_, i) => Math.cos(i));
    const first = hash(long);
    hash([5]);
    assert.equal(hash(long), first);
    assert.equal(hash(Array.from(long)), first);
  });

  it('rememberingHashes: hashes each outputs object once, giving the plain hash', async () => {
    const plain = (await createFunctionalHasher()).forKey(key);
    let calls = 0;
    const remembering = rememberingHashes((outputs) => {
      calls++;
      return plain(outputs);
    });
    const a = [1, 2, 3];
    const b = new Float64Array([0.5]);
    assert.equal(remembering(a), plain(a));
    assert.equal(remembering(a), plain(a));
    assert.equal(remembering(b), plain(b));
    assert.equal(remembering(b), plain(b));
    assert.equal(calls, 2);
    assert.equal(remembering([1, 2, 3]), plain(a), 'an equal but other object is hashed again, to the same hash');
    assert.equal(calls, 3);
  });

  it('rememberingHashes: holds two generations, moving what the older one answers into the newer', () => {
    const hashed: unknown[] = [];
    const remembering = rememberingHashes((outputs) => {
      hashed.push(outputs);
      return `h${outputs[0]}`;
    }, { entries: 3, weight: 100 });
    const o = Array.from({ length: 8 }, (_, i) => [i]);
    for (const x of o.slice(0, 3)) remembering(x); // newer: 0 1 2
    remembering(o[3]); // newer full: older 0 1 2, newer 3
    assert.equal(remembering(o[0]), 'h0'); // from the older, moved: newer 3 0
    assert.equal(hashed.length, 4);
    remembering(o[4]); // newer 3 0 4
    remembering(o[5]); // older 3 0 4, newer 5
    assert.equal(remembering(o[0]), 'h0'); // still remembered: it moved before the older one was dropped
    assert.equal(remembering(o[1]), 'h1'); // gone with its generation: hashed again
    assert.deepEqual(hashed, [o[0], o[1], o[2], o[3], o[4], o[5], o[1]]);
    for (const x of [o[5], o[0], o[1]]) remembering(x); // newer 5 0 1: held
    assert.equal(hashed.length, 7);
    remembering(o[4]); // from the older, moved into a full newer: older 5 0 1, newer 4
    remembering(o[3]); // its generation is gone
    assert.deepEqual(hashed.slice(7), [o[3]]);
  });

  it('rememberingHashes: a generation also ends at its count of numbers', () => {
    const hashed: unknown[] = [];
    const remembering = rememberingHashes((outputs) => {
      hashed.push(outputs);
      return `h${hashed.length}`;
    }, { entries: 100, weight: 10 });
    const [big, small, other, nine, last] = [new Float64Array(9), [1], [2], new Float64Array(9), [3]];
    for (const x of [big, small, other]) remembering(x); // big and small make 10 numbers: other starts a generation
    for (const x of [nine, last]) remembering(x); // other and nine make 10: last starts another, big and small are dropped
    assert.equal(remembering(other), 'h3');
    remembering(big);
    assert.deepEqual(hashed, [big, small, other, nine, last, big]);
  });
});
