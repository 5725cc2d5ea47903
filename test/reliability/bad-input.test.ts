/**
 * Bad input, by the dozen: every case must end in one `deja:` line naming the
 * problem, exit code 2, and no file written. Hand-written cases cover each
 * class the reliability issue lists; generated cases (seeded) put invalid
 * values into every field of a valid experiment and every numeric flag.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createRng } from '../../src/random/rng.js';
import { assertOneLine, cli, cliProcess } from './cli-harness.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'deja-bad-'));
const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

const VALID = {
  name: 'bad-input',
  domain: 'symbolic',
  domainOptions: { feynman: 'I.6.2a' },
  search: { populationSize: 10, tournamentSize: 3 },
  budget: { maxEvaluations: 5 },
  cache: { capacity: 100 },
  record: { candidates: true },
  workers: 0,
  seed: 1,
  evalTimeoutSeconds: 10,
};

/** [field path, invalid values] for every field of an experiment. */
const FIELD_BAD_VALUES: Array<[string[], unknown[]]> = [
  [['name'], ['', 7, null]],
  [['domain'], ['', 'no-such-domain', 12, ['symbolic']]],
  [['domainOptions'], ['symbolic', [1], { feynman: 'Z' }, { maxDepth: 1e9 }]],
  // biome-ignore lint/correctness/noPrecisionLoss: 1e400 is meant to overflow to Infinity
  [['search', 'populationSize'], [0, -3, 1.5, '10', 1e400]],
  [['search', 'tournamentSize'], [0, 'ten']],
  [['search', 'algorithm'], ['hill-climbing', 3]],
  [['budget', 'maxEvaluations'], [0, -1, 2.5, '5', null]],
  [['budget', 'maxWallSeconds'], [-1, 0, 'forever']],
  [['budget', 'maxCost'], [-2, [1]]],
  [['cache', 'capacity'], [0, 1e12, 'big']],
  [['cache', 'mantissaBits'], [53, 99, -1, 2.5]],
  [['cache', 'forgetProbability'], [1.5, -0.1]],
  [['record', 'candidates'], ['yes', 1]],
  [['workers'], [-1, 1.5, '', '0x10', 100_000]],
  [['batchSize'], [0, 1e6]],
  [['seed'], ['0x10', -1, 2 ** 32, 0.5]],
  [['evalTimeoutSeconds'], [0, -5, 1e10, 2 ** 31]],
];

function withField(path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(VALID) as Record<string, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path[path.length - 1]] = value;
  return copy;
}

const NUMERIC_FLAGS: Array<[string, string[]]> = [
  ['--seed', ['0x10', '-1', '1e3', '4294967296', '', ' 7', '7.0', 'NaN', 'Infinity']],
  ['--workers', ['', '2.5', '-1', '1025', '0b11', 'two']],
  ['--batch-size', ['0', '100001', '1_000']],
  ['--max-evals', ['abc', '-5', '9007199254740993']],
];

describe('bad input gets one line and exit code 2', () => {
  it('hand-written: flags, experiment files, candidates, domains', async () => {
    const dir = tmp();
    const file = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const experiment = file('e.json', JSON.stringify(VALID));
    const cases: Array<[string[], RegExp]> = [
      [['hash', 'symbolic', '--expr', 'x0', '--mantissa-bits', '99'], /--mantissa-bits expects a whole number from 0 to 52/],
      [['hash', 'symbolic', '--expr', '('.repeat(5000) + 'x0' + ')'.repeat(5000)], /nesting deeper than 200 levels/],
      [['hash', 'symbolic', '--expr', Array(40_000).fill('x0').join('+')], /operators nest more than 200 levels/],
      [['hash', 'symbolic', '--expr', '-'.repeat(10_000) + 'x0'], /nesting deeper than 200/],
      [['hash', 'symbolic', '--expr', 'sin('.repeat(3000) + 'x0' + ')'.repeat(3000)], /nesting deeper than 200/],
      [['hash', 'symbolic', '--expr', 'x0 +'], /expression: expected/],
      [['hash', 'symbolic', '--expr', 'x99'], /expr\.index/],
      [['hash', 'symbolic', '--candidate', file('deep.json', deep(100_000))], /candidate: nests more than 256 levels/],
      [['hash', 'nas-cell', '--candidate', join(dir, 'deep.json')], /candidate: nests more than 256 levels/],
      [['hash', 'automl-zero', '--candidate', join(dir, 'deep.json')], /candidate: nests more than 256 levels/],
      [['hash', 'diffusion-sampler', '--candidate', join(dir, 'deep.json')], /candidate: nests more than 256 levels/],
      [['hash', 'nas-cell', '--expr', deep(100_000)], /nests more than 256|nas-cell|expected/],
      [['hash', 'symbolic', '--candidate', file('deep-expr.json', '{"op":"neg","args":['.repeat(50_000) + '{"op":"var","index":0}' + ']}'.repeat(50_000))], /nests more than 256/],
      [['hash', 'symbolic', '--candidate', join(dir, 'missing.json')], /cannot read .*ENOENT/],
      [['hash', 'symbolic', '--candidate', dir], /cannot read .*EISDIR/],
      [['hash', 'symbolic', '--candidate', file('not.json', '{op:')], /not valid JSON/],
      [['hash', 'symbolic', '--expr', 'x0', '--options', '[1]'], /--options: expected a JSON object/],
      [['hash', 'symbolic', '--expr', 'x0', '--options', '{'], /--options: not valid JSON/],
      [['hash', 'symbolic', '--expr', 'x0', '--options', `{"a":${deep(50_000)}}`], /nests more than|domainOptions/],
      [['hash', 'no-such-domain', '--expr', 'x0'], /unknown domain "no-such-domain"/],
      [['hash', file('throws.mjs', 'export default () => { throw new TypeError("boom"); };'), '--expr', 'x'], /the factory of .*throws\.mjs failed: boom/],
      [['hash', file('empty.mjs', 'export const nothing = 1;'), '--expr', 'x'], /has no default export/],
      [['hash', file('partial.mjs', 'export default { name: "p", version: "1" };'), '--expr', 'x'], /domain "p": random: expected a function/],
      [['hash', file('syntax.mjs', 'export default {;'), '--expr', 'x'], /cannot load module/],
      [['hash', join(dir, 'nowhere.mjs'), '--expr', 'x'], /cannot load module/],
      [['run', file('deep-exp.json', `{"domain":"symbolic","budget":{"maxEvaluations":1},"domainOptions":{"x":${deep(100_000)}}}`)], /nests more than 256/],
      [['run', file('array.json', '[]')], /expected a JSON object/],
      [['run', file('empty.json', '')], /not valid JSON/],
      [['run', join(dir, 'missing.json')], /cannot read the experiment file \(ENOENT\)/],
      [['run', experiment, '--backend', 'quantum'], /--backend/],
      [['stats', join(dir, 'nothing-here')], /has no events\.jsonl/],
      [['stats', dir, '--top', 'many'], /--top expects a whole number/],
      [['resume', join(dir, 'nothing-here')], /has no config\.json and events\.jsonl/],
      [['space', 'nas-cell', '--max-vertices', '0x7'], /--max-vertices expects/],
      [['frobnicate'], /unknown command/],
    ];
    for (const [flag, values] of NUMERIC_FLAGS) {
      for (const value of values) cases.push([['run', experiment, '--out', join(dir, 'never'), flag, value], new RegExp(`${flag} expects a whole number`)]);
    }
    for (const [args, pattern] of cases) assertOneLine(await cli(...args), 2, pattern, args.join(' ').slice(0, 120));
    assert.equal(existsSync(join(dir, 'never')), false, 'no run folder is made for bad input');
  });

  it('generated: an invalid value in each field of a valid experiment (seeded)', async () => {
    const dir = tmp();
    const rng = createRng(9, 'bad-input');
    const out = join(dir, 'never');
    let cases = 0;
    for (const [path, values] of FIELD_BAD_VALUES) {
      for (const value of values) {
        const file = join(dir, `case-${cases++}.json`);
        writeFileSync(file, JSON.stringify(withField(path, value)));
        const r = await cli('run', file, '--out', out, '--no-progress');
        // The field (or the domain's own option) is named in the one line.
        const named = path[0] === 'domain' || path[0] === 'domainOptions' ? /domain/ : new RegExp(path.join('\\.'));
        assertOneLine(r, 2, named, `${path.join('.')} = ${JSON.stringify(value)}`);
      }
    }
    // Random pairs of bad values: still one line (both problems may be in it).
    const pairs = FIELD_BAD_VALUES.filter(([path]) => path[0] !== 'domain' && path[0] !== 'domainOptions');
    for (let k = 0; k < 12; k++) {
      const [pathA, valuesA] = rng.pick(pairs);
      const [pathB, valuesB] = rng.pick(pairs);
      const exp = withField(pathA, rng.pick(valuesA));
      let node = exp;
      for (const key of pathB.slice(0, -1)) node = node[key] as Record<string, unknown>;
      node[pathB[pathB.length - 1]] = rng.pick(valuesB);
      const file = join(dir, `pair-${k}.json`);
      writeFileSync(file, JSON.stringify(exp));
      assertOneLine(await cli('run', file, '--out', out, '--no-progress'), 2, /./, JSON.stringify(exp));
      cases++;
    }
    assert.ok(cases >= 60, `${cases} generated cases`);
    assert.equal(existsSync(out), false, 'no run folder is made for bad input');
  });

  it('infers from the candidate what --expr needs (variables, memory)', async () => {
    const r = await cli('hash', 'symbolic', '--expr', 'x0 + x1*x3');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^[0-9a-f]{16}\n$/);
    const explicit = await cli('hash', 'symbolic', '--expr', 'x0 + x1*x3', '--options', '{"variables": 4}');
    assert.equal(explicit.stdout, r.stdout);
    const program = 'def Setup():\ndef Predict():\n  s1 = s7 + s2\ndef Learn():\n';
    const z = await cli('hash', 'automl-zero', '--expr', program);
    assert.equal(z.code, 0, z.stderr);
    assert.match(z.stdout, /^[0-9a-f]{16}\n$/);
    // Options the user gives win over what is inferred.
    assertOneLine(await cli('hash', 'symbolic', '--expr', 'x0 + x1', '--options', '{"variables": 1}'), 2, /expr\.args\[1\]\.index/);
  });

  it('as a process: uncaught errors in domain code are one line (exit 1); DEJA_DEBUG=1 adds the stack', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'd'));
    const domain = join(dir, 'd', 'late-throw.mjs');
    // probe returns fine, then a timer throws outside any promise the engine awaits.
    writeFileSync(domain, `export default {
      name: 'late', version: '1', description: 'throws from a timer',
      random: (rng) => ({ x: rng.int(10) }), mutate: (c) => ({ x: (c.x + 1) % 10 }),
      probe: (c) => [c.x], describe: (c) => String(c.x),
      evaluate: async (c) => { setTimeout(() => { throw new Error('late failure in domain code'); }, 0); await new Promise((r) => setTimeout(r, 200)); return { fitness: c.x }; },
    };`);
    const exp = join(dir, 'e.json');
    writeFileSync(exp, JSON.stringify({ domain, budget: { maxEvaluations: 3 }, workers: 0 }));
    const r = cliProcess(['run', exp, '--out', join(dir, 'run'), '--no-progress']);
    const lines = r.stderr.trim().split('\n');
    assert.equal(r.code, 1, r.stderr);
    assert.ok(lines.some((line) => /^deja: internal error: Error: late failure in domain code/.test(line)), r.stderr);
    assert.match(lines[lines.length - 1], /^deja: the process is exiting \(code 1\) in the middle of the run; the \d+ settled events are in/);
    assert.ok(lines.every((line) => line.startsWith('deja: ')), r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    const debug = cliProcess(['hash', 'symbolic', '--expr', 'x0 +'], { DEJA_DEBUG: '1' });
    assert.equal(debug.code, 2);
    assert.match(debug.stderr, /^deja: expression: expected/);
    assert.match(debug.stderr, /\n\s+at /);
  });
});
