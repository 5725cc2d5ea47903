/**
 * The hot path's shortcuts must not change what a program means: the
 * structural key and comparison behind the runnable-program memo, the
 * incremental printer children use, the probe storage, and the memo itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/random/rng.js';
import factory from '../../src/evaluators/automl-zero/index.js';
import { ProbeRing } from '../../src/evaluators/automl-zero/probe-ring.js';
import { OPS } from '../../src/evaluators/automl-zero/ops.js';
import { ProgramCache } from '../../src/evaluators/automl-zero/program-cache.js';
import { liveMasks, pruneByMasks, pruneDeadCode } from '../../src/evaluators/automl-zero/liveness.js';
import { programKey, sameLiveCode, samePrograms, type Program } from '../../src/evaluators/automl-zero/program.js';
import { initialProgram, mutateProgram, MUTATION_TYPES, type SearchSpace } from '../../src/evaluators/automl-zero/search-space.js';
import { parseProgram, printIncrementally, printProgram } from '../../src/evaluators/automl-zero/text.js';
import { GD } from './programs.js';

const memory = { scalars: 5, vectors: 4, matrices: 3 };

function allOpsSpace(): SearchSpace {
  const all = OPS.map((op) => op.id);
  return {
    memory,
    ops: { setup: all, predict: all, learn: all },
    sizes: { setup: { init: 6, min: 0, max: 12 }, predict: { init: 3, min: 0, max: 6 }, learn: { init: 5, min: 0, max: 10 } },
    mutationTypes: [...MUTATION_TYPES],
    mutateProb: 1,
    initial: 'random',
  };
}

test('programKey and samePrograms: equal programs match, any meaningful change does not', () => {
  const gd = parseProgram(GD);
  // A structurally equal copy built separately (no shared objects).
  const copy: Program = JSON.parse(JSON.stringify(gd)) as Program;
  assert.ok(samePrograms(gd, copy));
  assert.equal(programKey(gd), programKey(copy));
  const variants = [
    GD.replace('s2 = 0.2', 's2 = 0.21'), // data
    GD.replace('s3 = s0 - s1', 's3 = s1 - s0'), // operand order
    GD.replace('v1 = v1 + v2', 'v2 = v1 + v2'), // output slot
    GD.replace('s1 = dot(v0, v1)', 's1 = dot(v0, v2)'), // input slot
    GD.replace('  v1 = v1 + v2', '  v1 = v1 - v2'), // op
    GD.replace('  v1 = v1 + v2', ''), // length
  ];
  for (const text of variants) {
    const other = parseProgram(text);
    assert.ok(!samePrograms(gd, other), text);
    assert.notEqual(programKey(gd), programKey(other), text);
  }
  // Fields an op does not read are not part of what it does.
  const withJunk = JSON.parse(JSON.stringify(gd)) as Program;
  withJunk.setup[0].in1 = 3; // s2 = 0.2 reads no slot
  withJunk.setup[0].in2 = 2;
  assert.ok(samePrograms(gd, withJunk));
  assert.equal(programKey(gd), programKey(withJunk));
});

test('children printed incrementally read exactly as printed from scratch, over every mutation type', () => {
  const space = allOpsSpace();
  const rng = createRng(11);
  let parent = printIncrementally(initialProgram(space, rng));
  for (let i = 0; i < 600; i++) {
    const child = printIncrementally(mutateProgram(space, parent.program, rng), parent);
    assert.equal(child.text, printProgram(child.program), `step ${i}`);
    assert.deepEqual(parseProgram(child.text), child.program, `step ${i}: text does not parse back`);
    // Walk on from a random one of the two, so both shared and fresh parts are exercised.
    parent = rng.next() < 0.7 ? child : parent;
  }
});

test('ProbeRing hands out disjoint slots and reuses the oldest once full', () => {
  const ring = new ProbeRing(10, 7, 3);
  const tickets = Array.from({ length: 7 }, () => ring.take());
  tickets.forEach((t, i) => ring.view(t).fill(i + 1));
  tickets.forEach((t, i) => {
    assert.ok(ring.holds(t));
    assert.equal(ring.view(t).length, 10);
    assert.ok(ring.view(t).every((x) => x === i + 1), `slot ${i} was overwritten`);
  });
  assert.equal(ring.holds(-1), false);
  const old = ring.view(tickets[0]);
  const next = ring.take(); // the eighth takes the first one's slot
  assert.equal(ring.holds(tickets[0]), false);
  assert.ok(ring.holds(tickets[1]) && ring.holds(next));
  // Same memory, but a fresh view object: one returned before never comes back with other contents.
  const reused = ring.view(next);
  assert.notEqual(reused, old);
  assert.equal(reused.buffer, old.buffer);
  assert.equal(reused.byteOffset, old.byteOffset);
  assert.equal(ring.view(next), reused); // and the same object while the slot is not taken again
});

test('live-code masks find exactly the instructions pruneDeadCode keeps, and key them alike', () => {
  const space = allOpsSpace();
  const rng = createRng(23);
  const masks = new Int32Array(3);
  let p = initialProgram(space, rng);
  let liveChanged = 0;
  for (let i = 0; i < 2000; i++) {
    const child = mutateProgram(space, p, rng);
    assert.ok(liveMasks(child, memory, masks));
    const live = pruneDeadCode(child, memory);
    const pruned = pruneByMasks(child, masks);
    assert.deepEqual(pruned, live, `step ${i}`);
    assert.equal(programKey(child, masks), programKey(live), `step ${i}`);
    assert.ok(sameLiveCode(live, child, masks), `step ${i}`);
    // Against the parent's live code: the masked comparison agrees with comparing pruned copies.
    const parentLive = pruneDeadCode(p, memory);
    assert.equal(sameLiveCode(parentLive, child, masks), samePrograms(parentLive, live), `step ${i}`);
    if (!samePrograms(parentLive, live)) liveChanged++;
    p = rng.next() < 0.8 ? child : p;
  }
  assert.ok(liveChanged > 100 && liveChanged < 1900, `both kinds of children drawn (${liveChanged} changed live code)`);
  // Memories or components past 31 bits: no masks, the caller prunes.
  assert.equal(liveMasks(p, { scalars: 20, vectors: 10, matrices: 2 }, masks), false);
  const long = { ...p, learn: Array.from({ length: 32 }, () => p.setup[0] ?? p.learn[0]) };
  assert.equal(liveMasks(long, memory, masks), false);
});

test('the memo shares one runnable entry between programs that differ only in dead code, and only between them', () => {
  const cache = new ProgramCache({ F: 4, memory: { scalars: 4, vectors: 3, matrices: 1 }, unrollMax: 8 });
  const gd = parseProgram(GD);
  const withDeadCode = parseProgram(GD.replace('def Predict():', '  s3 = 0.7\ndef Predict():').replace('def Learn():', '  v2 = s2 * v1\ndef Learn():'));
  const slower = parseProgram(GD.replace('s2 = 0.2', 's2 = 0.1'));
  assert.equal(cache.entry(gd), cache.entry(withDeadCode));
  assert.notEqual(cache.entry(gd), cache.entry(slower));
  assert.equal(cache.entry(gd).liveInstructions, 6);
});

test('candidates made by mutate probe and evaluate exactly like the same text parsed from a file', async () => {
  const domain = await factory({});
  const fresh = await factory({});
  const rng = createRng(5);
  let c = domain.random(rng);
  for (let i = 0; i < 200; i++) {
    c = domain.mutate(c, rng);
    const fromText = fresh.parse!(c.program);
    assert.deepEqual(Array.from(await domain.probe(c)), Array.from(await fresh.probe(fromText)));
    const seedCtx = () => ({ seed: i, rng: createRng(i), signal: new AbortController().signal });
    assert.equal((await domain.evaluate(c, seedCtx())).fitness, (await fresh.evaluate(fromText, seedCtx())).fitness);
  }
});
