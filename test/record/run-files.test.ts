/**
 * The small files of a run folder by value: checkpoint.json (round trip, and each kind of
 * damage refused with its message), config.json's digest (against sha256 of the canonical
 * JSON computed here), and atomic whole-file writes.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeFileAtomic } from '../../src/record/atomic-file.js';
import { CHECKPOINT_FILE, readCheckpoint, writeCheckpoint, type CheckpointState } from '../../src/record/checkpoint.js';
import { configDigest, DIGEST_FIELD, verifyDigest, withDigest } from '../../src/record/config-digest.js';
import { RunFolderError } from '../../src/record/run-folder.js';
import { openFilesUnder } from '../fixtures/open-files.js';

const folder = () => mkdtempSync(join(tmpdir(), 'deja-files-'));

const state: CheckpointState = {
  events: 12,
  population: [{ id: 3, candidate: { x: [1, 2] }, fitness: -0.5 }, { id: 0, candidate: 'c', fitness: 0 }],
  best: { id: 3, fitness: -0.5, candidate: { x: [1, 2] }, metrics: { m: 1 } },
};

describe('checkpoint.json', () => {
  it('round-trips, with its format and the time it was taken', () => {
    const dir = folder();
    assert.equal(readCheckpoint(dir), null);
    const before = Date.now();
    writeCheckpoint(dir, state);
    const file = JSON.parse(readFileSync(join(dir, CHECKPOINT_FILE), 'utf8'));
    assert.equal(file.format, 1);
    const taken = Date.parse(file.takenAt);
    assert.ok(taken >= before - 1000 && taken <= Date.now() + 1000 && file.takenAt === new Date(taken).toISOString());
    assert.deepEqual(readCheckpoint(dir), state);
    writeCheckpoint(dir, { events: 0, population: [], best: null });
    assert.deepEqual(readCheckpoint(dir), { events: 0, population: [], best: null });
  });

  it('refuses a damaged file in one line naming the problem', () => {
    const base = { format: 1, takenAt: 'now', ...state };
    const cases: Array<[unknown, string]> = [
      [{ ...base, format: 2 }, 'expected a checkpoint of format 1'],
      [null, 'expected a checkpoint of format 1'],
      [7, 'expected a checkpoint of format 1'],
      [{ ...base, events: -1 }, 'events: expected a whole number'],
      [{ ...base, events: 1.5 }, 'events: expected a whole number'],
      [{ ...base, events: '3' }, 'events: expected a whole number'],
      [{ ...base, population: {} }, 'population: expected an array'],
      [{ ...base, population: [state.population[0], { id: 1.5, candidate: 1, fitness: 1 }] }, 'population[1]: expected {id, candidate, fitness}'],
      [{ ...base, population: [{ id: 1, candidate: 1, fitness: '1' }] }, 'population[0]: expected {id, candidate, fitness}'],
      [{ ...base, population: [{ id: 1, candidate: 1 }] }, 'population[0]: expected {id, candidate, fitness}'],
      [{ ...base, population: [{ id: 1, fitness: 1 }] }, 'population[0]: expected {id, candidate, fitness}'],
      [{ ...base, population: [null] }, 'population[0]: expected {id, candidate, fitness}'],
      [{ ...base, best: 5 }, 'best: expected null or {id, fitness, candidate}'],
      [{ ...base, best: undefined }, 'best: expected null or {id, fitness, candidate}'],
      [{ ...base, best: { id: 1, candidate: 1 } }, 'best: expected null or {id, fitness, candidate}'],
      [{ ...base, best: [{ x: 1 }], population: [{ id: 0, candidate: [[[[1]]]], fitness: 1 }] }, 'best: expected null or {id, fitness, candidate}'],
    ];
    let deep: unknown = 1;
    for (let i = 0; i < 261; i++) deep = [deep];
    cases.push([{ ...base, population: [{ id: 0, candidate: deep, fitness: 1 }] }, 'nests more than 256 levels deep']);
    for (const [value, problem] of cases) {
      const dir = folder();
      const path = join(dir, CHECKPOINT_FILE);
      writeFileSync(path, JSON.stringify(value));
      assert.throws(() => readCheckpoint(dir), (e: unknown) => e instanceof RunFolderError && e.message === `${path}: ${problem}; it was edited or damaged`, problem);
    }
    // A population whose candidates nest within the limit is fine.
    const dir = folder();
    let ok: unknown = 1;
    for (let i = 0; i < 250; i++) ok = [ok];
    writeFileSync(join(dir, CHECKPOINT_FILE), JSON.stringify({ ...base, population: [{ id: 0, candidate: ok, fitness: 1 }] }));
    assert.equal(readCheckpoint(dir)?.population.length, 1);
    // The boundary: the file nests at most 256 + 4 levels (file, population, individual: a candidate of 257 arrays).
    const wrapped = (arrays: number) => {
      let v: unknown = 1;
      for (let i = 0; i < arrays; i++) v = [v];
      return { ...base, population: [{ id: 0, candidate: v, fitness: 1 }] };
    };
    writeFileSync(join(dir, CHECKPOINT_FILE), JSON.stringify(wrapped(257)));
    assert.equal(readCheckpoint(dir)?.population.length, 1);
    writeFileSync(join(dir, CHECKPOINT_FILE), JSON.stringify(wrapped(258)));
    assert.throws(() => readCheckpoint(dir), /nests more than 256 levels deep/);
  });

  it('refuses a file that is not JSON', () => {
    const dir = folder();
    const path = join(dir, CHECKPOINT_FILE);
    writeFileSync(path, '{"format": 1,');
    assert.throws(() => readCheckpoint(dir), (e: unknown) => e instanceof RunFolderError && e.message.startsWith(`${path}: not valid JSON (`) && e.message.endsWith('); it is written atomically, so it was edited or damaged'));
  });
});

describe('config digest', () => {
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');

  it('is sha256 of the key-sorted JSON without undefined fields or the digest itself', () => {
    const config = { b: [1, { d: null, c: 'x' }], a: { z: true, y: undefined }, [DIGEST_FIELD]: 'old' };
    assert.equal(configDigest(config), sha('{"a":{"z":true},"b":[1,{"c":"x","d":null}]}'));
    assert.equal(configDigest({ n: 1.5, s: 'q"' }), sha('{"n":1.5,"s":"q\\""}'));
    assert.equal(configDigest({ u: [undefined] }), sha('{"u":[null]}'));
    assert.equal(configDigest({ b: 1, a: 2 }), configDigest({ a: 2, b: 1 }));
    assert.equal(DIGEST_FIELD, 'configDigest');
  });

  it('verifies: ok, missing or mismatch', () => {
    const signed = withDigest({ seed: 3, name: 'n' });
    assert.deepEqual(signed, { seed: 3, name: 'n', configDigest: sha('{"name":"n","seed":3}') });
    assert.equal(verifyDigest(signed), 'ok');
    assert.equal(verifyDigest({ ...signed, seed: 4 }), 'mismatch');
    assert.equal(verifyDigest({ seed: 3, name: 'n' }), 'missing');
    assert.equal(verifyDigest({ seed: 3, name: 'n', configDigest: 17 }), 'missing');
  });
});

describe('writeFileAtomic', () => {
  it('writes strings and bytes whole, leaving no temporary file', () => {
    const dir = folder();
    const path = join(dir, 'summary.json');
    writeFileAtomic(path, 'first');
    writeFileAtomic(path, 'x'.repeat(100_000));
    assert.equal(readFileSync(path, 'utf8'), 'x'.repeat(100_000));
    writeFileAtomic(path, new Uint8Array([104, 105]));
    assert.equal(readFileSync(path, 'utf8'), 'hi');
    assert.deepEqual(readdirSync(dir), ['summary.json']);
    assert.deepEqual(openFilesUnder(), [], 'the file and its folder closed');
  });

  it('a failed write leaves the target as it was, no temporary file, nothing open', () => {
    const dir = folder();
    const path = join(dir, 'config.json');
    writeFileAtomic(path, 'before');
    // Not bytes: the write itself throws, after the temporary file was created.
    assert.throws(() => writeFileAtomic(path, { length: 3 } as unknown as Uint8Array), TypeError);
    assert.equal(readFileSync(path, 'utf8'), 'before');
    assert.deepEqual(readdirSync(dir), ['config.json']);
    assert.deepEqual(openFilesUnder(), [], 'no descriptor left open');
  });

  it('replaces a leftover temporary file of this pid, and a link rather than its target', () => {
    const dir = folder();
    const path = join(dir, 'config.json');
    writeFileSync(join(dir, `.config.json.${process.pid}.tmp`), 'left by a crash');
    const target = join(dir, 'elsewhere.txt');
    writeFileSync(target, 'keep me');
    symlinkSync(target, path);
    writeFileAtomic(path, '{}');
    assert.equal(readFileSync(target, 'utf8'), 'keep me');
    assert.equal(lstatSync(path).isSymbolicLink(), false);
    assert.equal(readFileSync(path, 'utf8'), '{}');
    assert.equal(existsSync(join(dir, `.config.json.${process.pid}.tmp`)), false);
  });
});
