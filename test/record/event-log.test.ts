/**
 * Reading events.jsonl line by line: which lines are events, which are corrupt (with the
 * problem named), which is a crash's torn tail (and where it starts), and what resume's
 * policy (refuse, --repair, cut the tail) does to the file.
 */
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkEventShape, closed, readAllEvents, readEventLog } from '../../src/record/event-log.js';
import type { SearchEvent } from '../../src/record/events.js';
import { describeBadLines, settleBadLines } from '../../src/record/repair-log.js';
import { RunFolderError } from '../../src/record/run-folder.js';
import { openFilesUnder } from '../fixtures/open-files.js';


const good = { id: 3, parentId: 1, hash: '0123456789abcdef', outcome: 'miss', fitness: 0.5, cost: 0.25, probeMs: 1, evalMs: 2, proposedAt: 0.5, settledAt: 1 };

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

describe('checkEventShape', () => {
  it('accepts well-formed events, boundaries included', () => {
    const fine: Array<Record<string, unknown>> = [
      {},
      { id: 0, parentId: 0 },
      { parentId: null, hash: null },
      { outcome: 'failed', fitness: null },
      { fitness: -1e300, cost: 0, probeMs: 0, evalMs: 0, proposedAt: 0, settledAt: 0 },
      { evalMs: null, joined: 0 },
      { candidate: nested(256) },
      ...['partial-hit', 'full-hit', 'in-flight-join'].map((outcome) => ({ outcome })),
    ];
    for (const change of fine) assert.equal(checkEventShape({ ...good, ...change }), null, JSON.stringify(change));
  });

  it('names the first problem of a malformed event', () => {
    const cases: Array<[unknown, string]> = [
      [null, 'not an event object'],
      [[good], 'not an event object'],
      ['{}', 'not an event object'],
      [{ ...good, id: -1 }, 'id: expected a whole number >= 0'],
      [{ ...good, id: 1.5 }, 'id: expected a whole number >= 0'],
      [{ ...good, id: '3' }, 'id: expected a whole number >= 0'],
      [{ ...good, parentId: -1 }, 'parentId: expected null or a whole number'],
      [{ ...good, parentId: 0.5 }, 'parentId: expected null or a whole number'],
      [{ ...good, parentId: undefined }, 'parentId: expected null or a whole number'],
      [{ ...good, hash: '0123456789ABCDEF' }, 'hash: expected null or 16 hex digits'],
      [{ ...good, hash: '0123456789abcde' }, 'hash: expected null or 16 hex digits'],
      [{ ...good, hash: 'x0123456789abcdef' }, 'hash: expected null or 16 hex digits'],
      [{ ...good, hash: '0123456789abcdef0' }, 'hash: expected null or 16 hex digits'],
      [{ ...good, hash: 12 }, 'hash: expected null or 16 hex digits'],
      [{ ...good, outcome: 'hit' }, 'outcome: expected one of miss, partial-hit, full-hit, in-flight-join, failed'],
      [{ ...good, outcome: 1 }, 'outcome: expected one of miss, partial-hit, full-hit, in-flight-join, failed'],
      [{ ...good, fitness: Number.NaN }, 'fitness: expected a finite number or null'],
      [{ ...good, fitness: '1' }, 'fitness: expected a finite number or null'],
      [{ ...good, fitness: undefined }, 'fitness: expected a finite number or null'],
      [{ ...good, fitness: null }, 'fitness: null, but the outcome is not "failed"'],
      [{ ...good, cost: -0.5 }, 'cost and probeMs: expected finite numbers >= 0'],
      [{ ...good, cost: Number.POSITIVE_INFINITY }, 'cost and probeMs: expected finite numbers >= 0'],
      [{ ...good, cost: '1' }, 'cost and probeMs: expected finite numbers >= 0'],
      [{ ...good, probeMs: -1 }, 'cost and probeMs: expected finite numbers >= 0'],
      [{ ...good, evalMs: -1 }, 'evalMs: expected null or a finite number >= 0'],
      [{ ...good, evalMs: undefined }, 'evalMs: expected null or a finite number >= 0'],
      [{ ...good, proposedAt: -1 }, 'proposedAt and settledAt: expected finite numbers >= 0'],
      [{ ...good, settledAt: null }, 'proposedAt and settledAt: expected finite numbers >= 0'],
      [{ ...good, joined: -1 }, 'joined: expected a whole number'],
      [{ ...good, joined: 2.5 }, 'joined: expected a whole number'],
      [{ ...good, joined: null }, 'joined: expected a whole number'],
      [{ ...good, candidate: nested(257) }, 'candidate: nests more than 256 levels deep'],
    ];
    for (const [value, problem] of cases) assert.equal(checkEventShape(value), problem, JSON.stringify(value)?.slice(0, 80));
  });
});

function logFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'deja-log-')), 'events.jsonl');
  writeFileSync(path, text);
  return path;
}

const line = (fields: Record<string, unknown>) => JSON.stringify({ ...good, ...fields });

async function read(path: string) {
  const seen: Array<[number, number]> = [];
  const report = await readEventLog(path, (e: SearchEvent, lineNo: number) => seen.push([e.id, lineNo]));
  return { report, seen };
}

describe('readEventLog', () => {
  it('passes on the events with their line numbers, skipping blank lines', async () => {
    const text = `${line({ id: 0 })}\n\n${line({ id: 1 })}\n   \n${line({ id: 2 })}\n`;
    const { report, seen } = await read(logFile(text));
    assert.deepEqual(seen, [[0, 1], [1, 3], [2, 5]]);
    assert.deepEqual(report, { events: 3, tornTail: null, corrupt: [], bytes: Buffer.byteLength(text) });
  });

  it('collects corrupt middle lines and duplicate ids, with their problems', async () => {
    // Ids far apart and in one byte of the id bitmap, so the set grows and tells bits apart.
    const ids = [7, 8, 9000, 100_000, 0];
    const lines = [...ids.map((id) => line({ id })), '{"id": 5,', line({ id: 100_000 }), line({ id: 6, fitness: null }), 'é', line({ id: 8 }), line({ id: 1 })];
    const text = `${lines.join('\n')}\n`;
    const { report, seen } = await read(logFile(text));
    assert.deepEqual(seen, [[7, 1], [8, 2], [9000, 3], [100_000, 4], [0, 5], [1, 11]]);
    assert.deepEqual(report.corrupt, [
      { line: 6, problem: 'not valid JSON' },
      { line: 7, problem: 'id 100000 appears twice' },
      { line: 8, problem: 'fitness: null, but the outcome is not "failed"' },
      { line: 9, problem: 'not valid JSON' },
      { line: 10, problem: 'id 8 appears twice' },
    ]);
    assert.deepEqual([report.events, report.tornTail, report.bytes], [6, null, Buffer.byteLength(text)]);
  });

  it('ids at the id set\'s growth boundary and hundreds of ids: every duplicate found', async () => {
    // 8192 is the first id past the initial 1024 bytes; 8191 the last inside them.
    const ids = [8192, 8191, ...Array.from({ length: 300 }, (_, i) => 10_000 + 37 * i), 8192, 8191, 10_037];
    const { report, seen } = await read(logFile(`${ids.map((id) => line({ id })).join('\n')}\n`));
    assert.equal(seen.length, 302);
    assert.deepEqual(report.corrupt, [
      { line: 303, problem: 'id 8192 appears twice' },
      { line: 304, problem: 'id 8191 appears twice' },
      { line: 305, problem: 'id 10037 appears twice' },
    ]);
  });

  it('a bad last line without its newline is a torn tail; with its newline it is corrupt', async () => {
    const head = `${line({ id: 0 })}\n${line({ id: 1 })}\n`;
    const torn = await read(logFile(`${head}{"id": 2, "outc`));
    assert.deepEqual(torn.report, { events: 2, tornTail: { line: 3, problem: 'not valid JSON', offset: Buffer.byteLength(head) }, corrupt: [], bytes: Buffer.byteLength(head) });
    const whole = await read(logFile(`${head}{"id": 2, "outc\n`));
    assert.deepEqual(whole.report, { events: 2, tornTail: null, corrupt: [{ line: 3, problem: 'not valid JSON' }], bytes: Buffer.byteLength(head) + 16 });
    const only = await read(logFile('garbage'));
    assert.deepEqual(only.report, { events: 0, tornTail: { line: 1, problem: 'not valid JSON', offset: 0 }, corrupt: [], bytes: 0 });
    const empty = await read(logFile(''));
    assert.deepEqual(empty.report, { events: 0, tornTail: null, corrupt: [], bytes: 0 });
    // A good last line without a newline is an event like any other.
    const noNewline = await read(logFile(`${head}${line({ id: 2 })}`));
    assert.deepEqual([noNewline.report.events, noNewline.report.tornTail], [3, null]);
    assert.deepEqual((await readAllEvents(logFile(`${head}x\n${line({ id: 5 })}`))).map((e) => e.id), [0, 1, 5]);
    assert.deepEqual(openFilesUnder(), [], 'every file closed');
  });
});

describe('closed', () => {
  it('waits until a read stream has closed its file, and returns at once for a closed one', async () => {
    const path = logFile('x'.repeat(100_000));
    const stream = createReadStream(path);
    stream.resume(); // read to the end, which closes the file
    await closed(stream);
    assert.equal(stream.closed, true);
    assert.deepEqual(openFilesUnder(), []);
    const done = createReadStream(path);
    done.resume();
    await once(done, 'close');
    let timer: NodeJS.Timeout | undefined;
    const waiting = new Promise((resolve) => {
      timer = setTimeout(resolve, 2000, 'still waiting');
    });
    assert.equal(await Promise.race([closed(done).then(() => 'returned'), waiting]), 'returned');
    clearTimeout(timer);
  });
});

describe('resume policy for bad lines', () => {
  it('describes the first bad line and how many more', () => {
    const report = (n: number) => ({ events: 0, tornTail: null, bytes: 0, corrupt: Array.from({ length: n }, (_, i) => ({ line: 4 + i, problem: `p${i}` })) });
    assert.equal(describeBadLines(report(1)), 'line 4: p0');
    assert.equal(describeBadLines(report(2)), 'line 4: p0 (and 1 more bad line)');
    assert.equal(describeBadLines(report(4)), 'line 4: p0 (and 3 more bad lines)');
  });

  it('refuses corrupt lines without --repair, leaving the file as it was', async () => {
    const text = `${line({ id: 0 })}\nnope\n${line({ id: 1 })}\n`;
    const path = logFile(text);
    const { report } = await read(path);
    const notices: string[] = [];
    await assert.rejects(settleBadLines(path, report, false, (n) => notices.push(n)), (e: unknown) => {
      assert.ok(e instanceof RunFolderError);
      assert.equal(e.message, `${path}: line 2: not valid JSON; the log was damaged or edited. \`deja resume ${join(path, '..')} --repair\` drops the bad lines (their events are lost), or restore the file`);
      return true;
    });
    assert.equal(readFileSync(path, 'utf8'), text);
    assert.deepEqual(notices, []);
  });

  it('--repair rewrites the file without the bad lines and the torn tail', async () => {
    const path = logFile(`${line({ id: 0 })}\nnope\n${line({ id: 1 })}\n[]\n${line({ id: 2 })}\n{"torn`);
    const { report } = await read(path);
    const notices: string[] = [];
    await settleBadLines(path, report, true, (n) => notices.push(n));
    assert.equal(readFileSync(path, 'utf8'), `${line({ id: 0 })}\n${line({ id: 1 })}\n${line({ id: 2 })}\n`);
    assert.deepEqual(notices, [
      `${path}: dropped 2 bad lines (--repair; first: line 2: not valid JSON (and 1 more bad line))`,
      `${path}: the last line (line 6) was cut short by a crash; dropped it`,
    ]);
    const one = logFile(`x\n${line({ id: 0 })}\n`);
    const oneNotices: string[] = [];
    await settleBadLines(one, (await read(one)).report, true, (n) => oneNotices.push(n));
    assert.deepEqual(oneNotices, [`${one}: dropped 1 bad line (--repair; first: line 1: not valid JSON)`]);
    assert.equal(readFileSync(one, 'utf8'), `${line({ id: 0 })}\n`);
    assert.deepEqual(openFilesUnder(), [], 'every file closed');
  });

  it('a torn tail alone is cut off where it starts', async () => {
    const head = `${line({ id: 0 })}\n`;
    const path = logFile(`${head}{"id": 1, "ou`);
    const { report } = await read(path);
    const notices: string[] = [];
    await settleBadLines(path, report, false, (n) => notices.push(n));
    assert.equal(readFileSync(path, 'utf8'), head);
    assert.deepEqual(notices, [`${path}: the last line (line 2) was cut short by a crash; dropped it`]);
    const clean = logFile(head);
    await settleBadLines(clean, (await read(clean)).report, false, (n) => notices.push(n));
    assert.equal(notices.length, 1);
    assert.equal(readFileSync(clean, 'utf8'), head);
    assert.deepEqual(openFilesUnder(), [], 'every file closed');
  });
});
