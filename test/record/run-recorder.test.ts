/**
 * The recorder by value: the exact bytes of config.json, events.jsonl and summary.json in each
 * folder mode, when buffered events reach the file (512 lines, or a timer), checkpoints, a write
 * failure's message, and what a process exiting mid-run leaves on disk.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs, { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readCheckpoint } from '../../src/record/checkpoint.js';
import type { SearchEvent } from '../../src/record/events.js';
import { LOCK_FILE, RunFolderError } from '../../src/record/run-folder.js';
import { RecordWriteError, RunRecorder } from '../../src/record/run-recorder.js';
import type { RunSummary } from '../../src/record/summary.js';
import { withStub } from '../fixtures/stub-builtin.js';

const root = mkdtempSync(join(tmpdir(), 'deja-recorder-'));
after(() => rmSync(root, { recursive: true, force: true }));
let made = 0;
const newDir = () => join(root, `r${made++}`);
const eventsOf = (dir: string) => readFileSync(join(dir, 'events.jsonl'), 'utf8');
const event = (id: number, extra: Partial<SearchEvent> = {}): SearchEvent => ({
  id, parentId: null, hash: null, outcome: 'miss', fitness: id / 2, cost: 1, probeMs: 0, evalMs: 1, proposedAt: 0, settledAt: id, ...extra,
});
const summary = { name: 'n', stopReason: 'interrupted' } as unknown as RunSummary;
const exitHooks = () => process.listenerCount('exit');
/** Runs fn, returning what it wrote to stderr instead. */
function stderrOf(fn: () => void): string[] {
  const written: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stderr.write;
  try {
    fn();
  } finally {
    process.stderr.write = write;
  }
  return written;
}

describe('RunRecorder', () => {
  it('writes config.json, then events with or without their candidates, whole lines on flush', () => {
    const dir = newDir();
    const hooks = exitHooks();
    const rec = new RunRecorder(dir, { seed: 3, name: 'n' }, true);
    assert.equal(exitHooks(), hooks + 1);
    assert.equal(readFileSync(join(dir, 'config.json'), 'utf8'), '{\n  "seed": 3,\n  "name": "n"\n}\n');
    assert.deepEqual(readdirSync(dir).sort(), [LOCK_FILE, 'config.json', 'events.jsonl']);
    rec.event(event(0), { x: 'é€' });
    rec.event(event(1), undefined); // serializes to nothing: no field
    assert.equal(eventsOf(dir), '', 'buffered');
    rec.flush();
    const lines = [JSON.stringify({ ...event(0), candidate: { x: 'é€' } }), JSON.stringify(event(1))];
    assert.equal(eventsOf(dir), `${lines.join('\n')}\n`);
    rec.flush(); // nothing pending
    rec.finish(summary);
    assert.equal(readFileSync(join(dir, 'summary.json'), 'utf8'), `${JSON.stringify(summary, null, 2)}\n`);
    assert.equal(eventsOf(dir), `${lines.join('\n')}\n`);
    assert.equal(existsSync(join(dir, LOCK_FILE)), false, 'lock released');
    assert.equal(exitHooks(), hooks);
    assert.deepEqual(rec.checkpoints, { count: 0, ms: 0 });
  });

  it('without candidates keeps only those asked for (a new best)', () => {
    const dir = newDir();
    const rec = new RunRecorder(dir, {}, false);
    rec.event(event(0), 'a');
    rec.event(event(1), 'b', true);
    rec.finish(summary);
    assert.equal(eventsOf(dir), `${JSON.stringify(event(0))}\n${JSON.stringify({ ...event(1), candidate: 'b' })}\n`);
  });

  it('flushes by itself every 512 lines, and lines longer than its buffer whole', () => {
    const dir = newDir();
    const rec = new RunRecorder(dir, {}, true);
    for (let id = 0; id < 511; id++) rec.event(event(id), id);
    assert.equal(eventsOf(dir), '');
    rec.event(event(511), 511);
    const lines = eventsOf(dir).split('\n');
    assert.equal(lines.length, 513);
    assert.deepEqual(JSON.parse(lines[511]), { ...event(511), candidate: 511 });
    // A candidate of 3 bytes a character, longer than the 256 KiB buffer, after a short pending line.
    rec.event(event(512), 'short');
    const long = '€'.repeat(100_000);
    rec.event(event(513), long);
    rec.event(event(514), 'after');
    rec.finish(summary);
    const all = eventsOf(dir).split('\n');
    assert.equal(all.length, 516);
    assert.deepEqual(all.slice(512, 515).map((l) => JSON.parse(l).candidate), ['short', long, 'after']);
  });

  it('a timer flushes what is buffered within a second, also after a flush cleared the last one', async () => {
    const dir = newDir();
    const hooks = exitHooks();
    const rec = new RunRecorder(dir, {}, false);
    rec.event(event(0), null);
    rec.flush();
    rec.event(event(1), null);
    assert.equal(eventsOf(dir), `${JSON.stringify(event(0))}\n`);
    await new Promise((resolve) => setTimeout(resolve, 1150));
    assert.equal(eventsOf(dir), `${JSON.stringify(event(0))}\n${JSON.stringify(event(1))}\n`);
    rec.abandon();
    assert.equal(exitHooks(), hooks);
    assert.equal(existsSync(join(dir, 'summary.json')), false);
    assert.equal(existsSync(join(dir, LOCK_FILE)), false);
  });

  it('one timer per batch of buffered events: a flush cancels it, so the next batch waits its own second', async () => {
    const dir = newDir();
    const rec = new RunRecorder(dir, {}, false);
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    rec.event(event(0), null);
    rec.event(event(1), null); // the timer of event 0 already covers it: no second timer
    assert.equal((rec as unknown as { timer: NodeJS.Timeout }).timer.hasRef(), false, 'a pending flush keeps no process alive');
    rec.flush(); // cancels that timer
    await sleep(500);
    rec.event(event(2), null); // due a second from now
    // Timers run in the order they are due: this check runs after a second timer of event 1
    // would have (1.2 s after it), before the timer of event 2 (1 s after it).
    await sleep(700);
    assert.equal(eventsOf(dir), `${JSON.stringify(event(0))}\n${JSON.stringify(event(1))}\n`);
    rec.abandon();
    assert.equal(eventsOf(dir).split('\n').length, 4);
  });

  it('new refuses a folder with a run; replace clears it; append keeps config and ends a torn last line', () => {
    const dir = newDir();
    new RunRecorder(dir, { v: 1 }, false).finish(summary);
    writeFileSync(join(dir, 'checkpoint.json'), '{}');
    assert.throws(() => new RunRecorder(dir, { v: 2 }, false), RunFolderError);
    assert.equal(existsSync(join(dir, LOCK_FILE)), false, 'a refusal takes no lock');
    assert.throws(() => new RunRecorder(dir, { v: 2 }, false, false), RunFolderError);
    const replaced = new RunRecorder(dir, { v: 2 }, false, 'replace');
    assert.deepEqual(readdirSync(dir).sort(), [LOCK_FILE, 'config.json', 'events.jsonl']);
    replaced.event(event(0), null);
    replaced.finish(summary);
    // A crash cut the last line: the next line starts on a line of its own; config.json is kept.
    writeFileSync(join(dir, 'events.jsonl'), `${JSON.stringify(event(0))}\n{"id": 1, "par`);
    const appended = new RunRecorder(dir, { v: 3 }, false, true);
    appended.event(event(2), null);
    appended.finish(summary);
    assert.equal(eventsOf(dir), `${JSON.stringify(event(0))}\n{"id": 1, "par\n${JSON.stringify(event(2))}\n`);
    assert.equal(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).v, 2);
    // Whole lines, or an empty file: nothing added.
    const again = new RunRecorder(dir, {}, false, 'append');
    again.event(event(3), null);
    again.finish(summary);
    assert.equal(eventsOf(dir).split('\n').length, 5);
    const empty = newDir();
    mkdirSync(empty);
    writeFileSync(join(empty, 'events.jsonl'), '');
    const fresh = new RunRecorder(empty, {}, false, 'append');
    fresh.event(event(0), null);
    fresh.finish(summary);
    assert.equal(eventsOf(empty), `${JSON.stringify(event(0))}\n`);
    assert.equal(existsSync(join(empty, 'config.json')), false);
  });

  it('append to a missing folder is refused and releases nothing it did not take', () => {
    assert.throws(() => new RunRecorder(join(root, 'nowhere'), {}, false, 'append'), /no such run folder/);
  });

  it('checkpoints after a flush once `everyMs` has passed, and at the end, with the events on disk', () => {
    const dir = newDir();
    const rec = new RunRecorder(dir, {}, false);
    let calls = 0;
    rec.checkpointWith(0, () => ({ population: [{ id: calls++, candidate: 'c', fitness: 1 }], best: null }));
    rec.event(event(0), null);
    rec.event(event(1), null);
    assert.equal(readCheckpoint(dir), null);
    rec.flush();
    assert.deepEqual(readCheckpoint(dir), { events: 2, population: [{ id: 0, candidate: 'c', fitness: 1 }], best: null });
    rec.flush(); // nothing new: no checkpoint
    rec.event(event(2), null);
    rec.finish(summary); // the flush's checkpoint, then the final one
    assert.deepEqual(readCheckpoint(dir), { events: 3, population: [{ id: 2, candidate: 'c', fitness: 1 }], best: null });
    assert.equal(rec.checkpoints.count, 3);
    assert.ok(rec.checkpoints.ms > 0 && rec.checkpoints.ms < 5000, `${rec.checkpoints.ms} ms`);

    const rare = newDir();
    const slow = new RunRecorder(rare, {}, false);
    slow.checkpointWith(60_000, () => ({ population: [], best: null }));
    slow.event(event(0), null);
    slow.flush();
    assert.equal(readCheckpoint(rare), null, 'not due yet');
    slow.abandon();
    assert.deepEqual(readCheckpoint(rare), { events: 1, population: [], best: null });
    assert.equal(slow.checkpoints.count, 1);
  });

  it('a failed write says how many events are on disk, and every later event is refused with it', () => {
    const dir = newDir();
    const rec = new RunRecorder(dir, {}, false);
    rec.event(event(0), null);
    rec.event(event(1), null);
    rec.flush();
    rec.event(event(2), null);
    // Swap in a read-only descriptor: the next write fails as a full or broken disk would.
    const fields = rec as unknown as { fd: number };
    const writable = fields.fd;
    fields.fd = openSync(join(dir, 'events.jsonl'), 'r');
    const expected = `cannot write ${join(dir, 'events.jsonl')} (EBADF); the 2 events before it are on disk: fix the cause and continue with \`deja resume\``;
    const isFailure = (e: unknown) => e instanceof RecordWriteError && e.name === 'RecordWriteError' && e.code === 'EBADF' && e.message === expected;
    assert.throws(() => rec.flush(), isFailure);
    assert.throws(() => rec.event(event(3), null), isFailure);
    // Even once the file can be written again, the failure stands: the run must stop, not go on with a gap.
    closeSync(fields.fd);
    fields.fd = writable;
    assert.throws(() => rec.flush(), isFailure);
    rec.abandon();
    assert.equal(eventsOf(dir), `${JSON.stringify(event(0))}\n${JSON.stringify(event(1))}\n`);
    assert.equal(existsSync(join(dir, LOCK_FILE)), false);
  });

  it('a write cut short by a full disk is cut off again: the file keeps whole lines', () => {
    const dir = newDir();
    const rec = new RunRecorder(dir, {}, false);
    rec.event(event(0), null);
    rec.flush();
    rec.event(event(1), null);
    rec.event(event(2), null);
    // A full disk: the first write takes 10 bytes, the next fails.
    const write = fs.writeSync;
    let calls = 0;
    const full = ((fd: number, buffer: Uint8Array, offset: number) => {
      if (calls++ === 0) return write(fd, buffer, offset, 10);
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }) as typeof fs.writeSync;
    const expected = `cannot write ${join(dir, 'events.jsonl')} (ENOSPC); the 1 events before it are on disk: fix the cause and continue with \`deja resume\``;
    assert.throws(() => withStub(fs, 'writeSync', full, () => rec.flush()), (e: unknown) => e instanceof RecordWriteError && e.code === 'ENOSPC' && e.message === expected);
    assert.equal(calls, 2);
    assert.equal(eventsOf(dir), `${JSON.stringify(event(0))}\n`);
    rec.abandon();
  });

  it('a line that fills the buffer exactly waits in it; one byte more and the buffer is written first', () => {
    const dir = newDir();
    const rec = new RunRecorder(dir, {}, true);
    const line = (id: number, n: number) => JSON.stringify({ ...event(id), candidate: 'a'.repeat(n) });
    // The buffer (256 KiB) takes a line when its bytes so far plus 3 per character and the newline fit.
    let n0 = 60_000;
    n0 += (2 ** 18 - 1 - (line(0, n0).length + 1)) % 3;
    const room = 2 ** 18 - (line(0, n0).length + 1);
    const n1 = (room - 1) / 3 - line(1, 0).length;
    assert.equal(3 * line(1, n1).length + 1, room);
    rec.event(event(0), 'a'.repeat(n0));
    rec.event(event(1), 'a'.repeat(n1));
    // (Compared by length first: a failure should not print 256 KiB.)
    assert.equal(eventsOf(dir).length, 0, 'both lines buffered');
    rec.event(event(2), 'a'.repeat(50_000)); // 150 001 bytes at most: more than the room left
    const two = `${line(0, n0)}\n${line(1, n1)}\n`;
    assert.equal(eventsOf(dir).length, two.length, 'the third did not fit: the first two were written');
    assert.ok(eventsOf(dir) === two);
    rec.finish(summary);
    assert.ok(eventsOf(dir) === `${two}${line(2, 50_000)}\n`);
  });

  it('a checkpoint is due once exactly `everyMs` have passed since the last', () => {
    const dir = newDir();
    const rec = new RunRecorder(dir, {}, false);
    let clock = 1_000_000;
    const at = () => clock;
    withStub(Date, 'now', at, () => rec.checkpointWith(1000, () => ({ population: [], best: null })));
    rec.event(event(0), null);
    clock += 999;
    withStub(Date, 'now', at, () => rec.flush());
    assert.equal(readCheckpoint(dir), null, '999 ms');
    rec.event(event(1), null);
    clock += 1;
    withStub(Date, 'now', at, () => rec.flush());
    assert.deepEqual(readCheckpoint(dir), { events: 2, population: [], best: null }, '1000 ms');
    rec.event(event(2), null);
    clock += 999;
    withStub(Date, 'now', at, () => rec.flush());
    assert.equal(readCheckpoint(dir)?.events, 2, '999 ms after that one');
    rec.abandon();
  });

  it('the exit hook, called in this process: flushes, says where, releases; after a write failure only releases', () => {
    const dir = newDir();
    const hooks = process.listeners('exit');
    const rec = new RunRecorder(dir, {}, false);
    const hook = (rec as unknown as { flushOnExit: (code: number) => void }).flushOnExit;
    assert.deepEqual(process.listeners('exit'), [...hooks, hook]);
    rec.event(event(0), null);
    rec.event(event(1), null);
    assert.deepEqual(stderrOf(() => hook(4)), [
      `deja: the process is exiting (code 4) in the middle of the run; the 2 settled events are in ${join(dir, 'events.jsonl')}: continue with \`deja resume ${dir}\`\n`,
    ]);
    assert.equal(eventsOf(dir), `${JSON.stringify(event(0))}\n${JSON.stringify(event(1))}\n`);
    assert.equal(existsSync(join(dir, LOCK_FILE)), false);
    rec.abandon();
    assert.deepEqual(process.listeners('exit'), hooks);

    const broken = newDir();
    const failing = new RunRecorder(broken, {}, false);
    const fields = failing as unknown as { fd: number; flushOnExit: (code: number) => void };
    failing.event(event(0), null);
    const writable = fields.fd;
    fields.fd = openSync(join(broken, 'events.jsonl'), 'r');
    assert.deepEqual(stderrOf(() => fields.flushOnExit(1)), [], 'the failure was reported where it happened');
    assert.equal(existsSync(join(broken, LOCK_FILE)), false);
    closeSync(writable);
    failing.abandon();
  });

  it('a process exiting mid-run writes what settled, says where, and leaves the folder unlocked', () => {
    const dir = newDir();
    const recorder = fileURLToPath(new URL('../../src/record/run-recorder.js', import.meta.url));
    const script = `import { RunRecorder } from ${JSON.stringify(recorder)};
const rec = new RunRecorder(${JSON.stringify(dir)}, {}, false);
rec.event({ id: 0, fitness: 1 }, null);
rec.event({ id: 1, fitness: 2 }, null);
process.exit(4);`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(child.status, 4);
    assert.equal(child.stderr, `deja: the process is exiting (code 4) in the middle of the run; the 2 settled events are in ${join(dir, 'events.jsonl')}: continue with \`deja resume ${dir}\`\n`);
    assert.equal(eventsOf(dir), '{"id":0,"fitness":1}\n{"id":1,"fitness":2}\n');
    assert.equal(existsSync(join(dir, LOCK_FILE)), false);
  });
});
