/**
 * The recorder by value: the exact bytes of config.json, events.jsonl and summary.json in each
 * folder mode, when buffered events reach the file (512 lines, or a timer), checkpoints, a write
 * failure's message, and what a process exiting mid-run leaves on disk.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readCheckpoint } from '../../src/record/checkpoint.js';
import type { SearchEvent } from '../../src/record/events.js';
import { LOCK_FILE, RunFolderError } from '../../src/record/run-folder.js';
import { RecordWriteError, RunRecorder } from '../../src/record/run-recorder.js';
import type { RunSummary } from '../../src/record/summary.js';

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
    assert.throws(() => rec.flush(), isFailure);
    closeSync(writable);
    rec.abandon();
    assert.equal(eventsOf(dir), `${JSON.stringify(event(0))}\n${JSON.stringify(event(1))}\n`);
    assert.equal(existsSync(join(dir, LOCK_FILE)), false);
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
