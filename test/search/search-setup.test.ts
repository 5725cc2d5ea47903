/**
 * What a run is set up with, by value: the proposal budget a config implies, the mantissa
 * bits it hashes with, the cache namespace (sha256 of the canonical fingerprint, computed
 * here), and the verifier's sampling and tolerance.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { DomainInputError, type Domain } from '../../src/domain/domain.js';
import { createRng } from '../../src/random/rng.js';
import { cacheNamespace, canonicalJson } from '../../src/search/cache-namespace.js';
import { resolveSearch, type SearchConfig } from '../../src/search/resolve-search.js';
import { fitnessAgrees, Verifier } from '../../src/search/verify-stage.js';
import createTestDomain from '../fixtures/test-domain.js';
import { fixturePath } from '../fixtures/paths.js';

describe('resolveSearch', () => {
  const config = (budget: SearchConfig['budget'], extra: Partial<SearchConfig> = {}): SearchConfig => ({ domain: fixturePath('test-domain'), budget, workers: 0, ...extra });

  it('proposals: set, 100 per evaluation with only an evaluation budget, else unbounded', async () => {
    const cases: Array<[SearchConfig['budget'], number]> = [
      [{ maxEvaluations: 7 }, 700],
      [{ maxEvaluations: 7, maxProposals: 9 }, 9],
      [{ maxProposals: 9, maxWallSeconds: 5 }, 9],
      [{ maxEvaluations: 7, maxWallSeconds: 5 }, Number.POSITIVE_INFINITY],
      [{ maxEvaluations: 7, maxCost: 5 }, Number.POSITIVE_INFINITY],
      [{ maxCost: 5 }, Number.POSITIVE_INFINITY],
    ];
    for (const [budget, expected] of cases) assert.equal((await resolveSearch(config(budget))).maxProposals, expected, JSON.stringify(budget));
  });

  it('mantissa bits: the experiment, else the domain, else 24; the domain as a path or an object', async () => {
    const byPath = await resolveSearch(config({ maxEvaluations: 1 }, { domainOptions: { classes: 7 } }));
    assert.deepEqual([byPath.mantissaBits, byPath.domain.name, byPath.domainRef.spec, byPath.experiment.domain], [24, 'test-domain', fixturePath('test-domain'), fixturePath('test-domain')]);
    assert.deepEqual(byPath.domainRef.options, { classes: 7 });
    assert.equal((await resolveSearch(config({ maxEvaluations: 1 }, { cache: { mantissaBits: 10 } }))).mantissaBits, 10);
    const object = { ...createTestDomain(), name: 'objdom', mantissaBits: 12 } as Domain;
    const byObject = await resolveSearch(config({ maxEvaluations: 1 }, { domain: object, domainOptions: { q: 1 } }));
    assert.deepEqual([byObject.mantissaBits, byObject.domain.name, byObject.domainRef, byObject.experiment.domain], [12, 'objdom', { spec: '<object objdom>', options: { q: 1 } }, 'objdom']);
    assert.equal((await resolveSearch(config({ maxEvaluations: 1 }, { domain: object, cache: { mantissaBits: 0 } }))).mantissaBits, 0);
    await assert.rejects(resolveSearch(config({ maxEvaluations: 1 }, { domain: object, workers: 1 })), /a domain given as an object can only be evaluated inline \(workers: 0\)/);
    // A nameless object is refused for its missing name (the experiment's domain field reads 'custom' meanwhile).
    const nameless = { ...createTestDomain(), name: undefined } as unknown as Domain;
    await assert.rejects(resolveSearch(config({ maxEvaluations: 1 }, { domain: nameless })), (e: unknown) => e instanceof DomainInputError && e.message === 'domain.name: expected a non-empty string');
  });
});

describe('cache namespace', () => {
  const sha16 = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);
  const domain = (extra: Partial<Domain> = {}) => ({ name: 'dom', version: '3', ...extra }) as Domain;

  it('is the sha256 of the canonical fingerprint, named by domain and version', () => {
    const ns = cacheNamespace(domain({ probeKey: 'pk' }), { b: 1, a: [2, { d: undefined, c: 'x' }] }, 20);
    const text = '{"domain":"dom","evaluation":{"a":[2,{"c":"x"}],"b":1},"hashFormat":1,"mantissaBits":20,"probeKey":"pk","version":"3"}';
    assert.deepEqual(ns, {
      key: `dom@3/${sha16(text)}`, domain: 'dom', version: '3',
      fingerprint: { hashFormat: 1, domain: 'dom', version: '3', probeKey: 'pk', mantissaBits: 20, evaluation: { b: 1, a: [2, { d: undefined, c: 'x' }] } },
    });
    // No probe key counts as an empty one; evaluationKey picks what changes a score.
    const keyed = cacheNamespace(domain({ evaluationKey: (o) => ({ target: o.target }) }), { target: 5, limit: 9 }, 24);
    assert.equal(keyed.key, `dom@3/${sha16('{"domain":"dom","evaluation":{"target":5},"hashFormat":1,"mantissaBits":24,"probeKey":"","version":"3"}')}`);
    assert.equal(canonicalJson([undefined, null, 'q"', 1.5]), '[null,null,"q\\"",1.5]');
  });
});

describe('verifier', () => {
  it('samples only when on, and then at its probability', () => {
    const off = createRng(1);
    const v = new Verifier(0, 1e-9, off);
    for (let i = 0; i < 10; i++) assert.equal(v.sample(), false);
    assert.equal(off.next(), createRng(1).next(), 'verification off draws nothing');
    const half = new Verifier(0.25, 1e-9, createRng(2));
    const reference = createRng(2);
    for (let i = 0; i < 200; i++) assert.equal(half.sample(), reference.bernoulli(0.25));
  });

  it('remembers the first evaluation of a hash, only while verifying', () => {
    const v = new Verifier(0.5, 1e-9, createRng(1));
    assert.equal(v.madeByOf('h'), null);
    v.remember('h', 4);
    v.remember('h', 9);
    assert.equal(v.madeByOf('h'), 4);
    const off = new Verifier(0, 1e-9, createRng(1));
    off.remember('h', 4);
    assert.equal(off.madeByOf('h'), null);
  });

  it('agreement is relative to the larger magnitude, absolute below 1', () => {
    const table: Array<[number, number, number, boolean]> = [
      [1, 1, 0, true],
      [100, 100.5, 0.005, true],
      [100, 100.6, 0.005, false],
      [-100.5, -100, 0.005, true],
      [0.1, 0.104, 0.005, true],
      [0.1, 0.106, 0.005, false],
      [0, 0.005, 0.005, true],
      [2, -2, 1, false],
      [2, -2, 2, true],
    ];
    for (const [a, b, tol, expected] of table) {
      assert.equal(fitnessAgrees(a, b, tol), expected, `${a} ${b} ${tol}`);
      assert.equal(fitnessAgrees(b, a, tol), expected, `${b} ${a} ${tol}`);
    }
    assert.equal(new Verifier(1, 0.01, createRng(1)).agrees(50, 50.4), true);
    assert.equal(new Verifier(1, 0.01, createRng(1)).agrees(50, 50.6), false);
  });
});
