import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TwoGenerationMemo } from '../../src/memo/two-generation-memo.js';

/** Which of `keys` the memo still holds. */
const held = (memo: TwoGenerationMemo<string, number>, keys: string[]) => keys.filter((k) => memo.get(k) !== undefined);

describe('TwoGenerationMemo', () => {
  it('gives back what was set, until two generations have passed', () => {
    const memo = new TwoGenerationMemo<string, number>({ entries: 2 });
    memo.set('a', 1);
    memo.set('b', 2); // newer a b
    memo.set('c', 3); // older a b, newer c
    assert.deepEqual([memo.get('a'), memo.get('c'), memo.get('x')], [1, 3, undefined]); // a moved: newer c a
    memo.set('d', 4); // older c a, newer d: b dropped
    assert.equal(memo.get('b'), undefined);
    assert.deepEqual([memo.get('c'), memo.get('a'), memo.get('d')], [3, 1, 4]);
  });

  it('a found entry moves into the newer generation, starting another when that is full', () => {
    const memo = new TwoGenerationMemo<string, number>({ entries: 2 });
    for (const [k, v] of [['a', 1], ['b', 2], ['c', 3], ['d', 4]] as const) memo.set(k, v); // older a b, newer c d
    assert.equal(memo.get('a'), 1); // newer full: older c d, newer a
    assert.deepEqual(held(memo, ['b']), []);
    memo.set('e', 5); // newer a e
    memo.set('f', 6); // older a e, newer f: c and d dropped
    assert.deepEqual(held(memo, ['a', 'c', 'd', 'e', 'f']), ['a', 'e', 'f']);
  });

  it('a generation also ends when its weights reach the limit', () => {
    const memo = new TwoGenerationMemo<string, number>({ entries: 100, weight: 10 }, (key) => key.length);
    memo.set('123456789', 1);
    memo.set('x', 2); // weight 10: full
    memo.set('y', 3); // older: the first two
    memo.set('z', 4);
    assert.deepEqual(held(memo, ['123456789', 'x', 'y', 'z']), ['123456789', 'x', 'y', 'z']);
    // The two found in the older moved: newer y z 123456789 x, weight 12.
    memo.set('w', 5); // starts another: older y z 123456789 x
    memo.set('v', 6);
    assert.deepEqual(held(memo, ['123456789', 'x', 'y', 'z', 'w', 'v']), ['123456789', 'x', 'y', 'z', 'w', 'v']);
  });

  it('without a weight limit, only the count ends a generation', () => {
    const memo = new TwoGenerationMemo<string, number>({ entries: 3 }, () => 1e9);
    for (const k of ['a', 'b', 'c']) memo.set(k, 0);
    memo.set('d', 0); // older a b c
    memo.set('e', 0);
    memo.set('f', 0); // newer d e f, older a b c
    assert.deepEqual(held(memo, ['d', 'e', 'f', 'a']), ['d', 'e', 'f', 'a']);
  });
});
