/**
 * The run folder's rules by value: which folders may be written in which mode (each refusal's
 * one-line message), the lock (taken, taken again by its owner, taken over from a dead owner,
 * refused to a live one or one on another host), and what --force clears.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os, { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { acquireRunLock, checkRunFolder, clearRunFiles, LOCK_FILE, makeFolder, RUN_FILES, RunFolderError } from '../../src/record/run-folder.js';
import { withStub } from '../fixtures/stub-builtin.js';

const root = mkdtempSync(join(tmpdir(), 'deja-folder-'));
after(() => rmSync(root, { recursive: true, force: true }));
let made = 0;
const folder = (files: string[] = []) => {
  const dir = join(root, `f${made++}`);
  mkdirSync(dir);
  for (const name of files) writeFileSync(join(dir, name), '');
  return dir;
};
/** Asserts a RunFolderError with exactly this message. */
const refuses = (fn: () => unknown, message: string) =>
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof RunFolderError, String(e));
    assert.equal(e.name, 'RunFolderError');
    assert.equal(e.message, message);
    return true;
  });
/** A pid that is surely not running: a child that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;
const writeLock = (dir: string, owner: object) => writeFileSync(join(dir, LOCK_FILE), JSON.stringify(owner));
/**
 * Runs `fn` while process.kill(pid, 0), the liveness probe, answers with `probe` (which throws an
 * errno error as the kernel would): what a non-root user or a racing process sees, made reproducible.
 */
function withProbe(probe: (pid: number) => void, fn: () => void): void {
  const kill = process.kill;
  process.kill = ((pid: number, signal?: string | number) => {
    if (signal !== 0) return kill.call(process, pid, signal);
    probe(pid);
    return true;
  }) as typeof process.kill;
  try {
    fn();
  } finally {
    process.kill = kill;
  }
}
const errno = (code: string) => Object.assign(new Error(code), { code });

describe('run folder', () => {
  it('names its files and lock', () => {
    assert.equal(LOCK_FILE, '.deja-lock');
    assert.deepEqual(RUN_FILES, ['config.json', 'events.jsonl', 'summary.json', 'checkpoint.json', '.deja-lock']);
  });

  it('makeFolder makes every missing level, and leaves an existing folder alone', () => {
    const deep = join(root, 'made', 'a', 'b');
    makeFolder(deep);
    assert.ok(existsSync(deep));
    writeFileSync(join(deep, 'kept'), 'x');
    makeFolder(deep);
    assert.deepEqual(readdirSync(deep), ['kept']);
    makeFolder('/'); // the root exists: nothing to make
  });

  it('a missing folder may be written new or replaced, not appended to', () => {
    const missing = join(root, 'missing');
    checkRunFolder(missing, 'new');
    checkRunFolder(missing, 'replace');
    refuses(() => checkRunFolder(missing, 'append'), `${missing}: no such run folder`);
    assert.equal(existsSync(missing), false);
  });

  it('refuses a file, foreign files (three named, the rest counted) and links', () => {
    const file = join(root, 'a-file');
    writeFileSync(file, '');
    refuses(() => checkRunFolder(file, 'new'), `--out: ${file} is a file, not a folder`);
    const one = folder(['events.jsonl', 'notes.txt']);
    refuses(() => checkRunFolder(one, 'append'), `${one} holds files deja did not write ("notes.txt"); a run folder is deja's alone: choose an empty or new folder`);
    const three = folder(['a', 'b', 'c']);
    refuses(() => checkRunFolder(three, 'new'), `${three} holds files deja did not write ("a", "b", "c"); a run folder is deja's alone: choose an empty or new folder`);
    const five = folder(['a', 'b', 'c', 'd', 'e']);
    refuses(() => checkRunFolder(five, 'new'), `${five} holds files deja did not write ("a", "b", "c", and 2 more); a run folder is deja's alone: choose an empty or new folder`);
    const linked = folder();
    symlinkSync(file, join(linked, 'summary.json'));
    refuses(() => checkRunFolder(linked, 'replace'), `${join(linked, 'summary.json')} is a symbolic link; deja never writes through links in a run folder: remove it`);
  });

  it('accepts its own files and the temporary files of atomic writes and --repair', () => {
    const temps = ['.config.json.12.tmp', '.summary.json.3.tmp', '.checkpoint.json.456.tmp', '.events.jsonl.7.tmp'];
    checkRunFolder(folder(['config.json', 'summary.json', 'checkpoint.json', ...temps]), 'new');
    for (const foreign of ['.config.json.tmp', '.other.json.1.tmp', 'x.config.json.1.tmp', '.config.json.1.tmpx', '.config.json.1a.tmp']) {
      assert.throws(() => checkRunFolder(folder([foreign]), 'new'), RunFolderError, foreign);
    }
  });

  it('new refuses a folder that holds events; replace and append take it', () => {
    const dir = folder(['config.json', 'events.jsonl']);
    refuses(() => checkRunFolder(dir, 'new'), `--out: ${dir} already holds a run; continue it with \`deja resume ${dir}\`, choose another folder, or pass --force to replace it`);
    checkRunFolder(dir, 'replace');
    checkRunFolder(dir, 'append');
    checkRunFolder(folder(['config.json', 'summary.json']), 'new');
  });

  it('clearRunFiles removes every run file but the lock', () => {
    const dir = folder([...RUN_FILES]);
    clearRunFiles(dir);
    assert.deepEqual(readdirSync(dir), [LOCK_FILE]);
    clearRunFiles(dir); // nothing left to remove: no error
  });
});

describe('run folder lock', () => {
  it('is created holding pid, host and start time; taken again by its owner; released only by its owner', () => {
    const dir = join(root, 'locked', 'run');
    const notices: string[] = [];
    const before = Date.now();
    const release = acquireRunLock(dir, (line) => notices.push(line));
    const path = join(dir, LOCK_FILE);
    const text = readFileSync(path, 'utf8');
    assert.ok(text.endsWith('}\n'));
    const owner = JSON.parse(text);
    assert.deepEqual(Object.keys(owner), ['pid', 'host', 'started']);
    assert.equal(owner.pid, process.pid);
    assert.equal(owner.host, hostname());
    const started = Date.parse(owner.started);
    assert.ok(started >= before - 1000 && started <= Date.now() + 1000 && owner.started === new Date(started).toISOString());
    // The owner may check and take it again (resume takes it before the recorder does).
    checkRunFolder(dir, 'append');
    const again = acquireRunLock(dir, (line) => notices.push(line));
    assert.deepEqual(notices, []);
    again();
    assert.equal(existsSync(path), false);
    release(); // already gone: nothing to do
    // Another owner's lock is not removed by a release.
    const third = acquireRunLock(dir);
    writeLock(dir, { pid: process.pid + 1, host: hostname(), started: 'then' });
    third();
    assert.ok(existsSync(path));
  });

  it('refuses a live owner and an owner on another host, naming them', () => {
    const parent = process.ppid; // alive, and not this process
    const live = folder();
    writeLock(live, { pid: parent, host: hostname(), started: 'noon' });
    const message = `${live} is in use by deja (pid ${parent} on ${hostname()}, since noon); wait for it to finish or stop it. If that process is gone, delete ${join(live, LOCK_FILE)}`;
    refuses(() => checkRunFolder(live, 'append'), message);
    refuses(() => acquireRunLock(live, () => assert.fail('no takeover')), message);
    const remote = folder();
    const dead = deadPid();
    writeLock(remote, { pid: dead, host: 'elsewhere', started: 'dawn' });
    refuses(() => acquireRunLock(remote), `${remote} is in use by deja (pid ${dead} on elsewhere, since dawn); wait for it to finish or stop it. If that process is gone, delete ${join(remote, LOCK_FILE)}`);
    // pid 1 belongs to another user here or is alive: either way it is not gone (EPERM counts as alive).
    const init = folder();
    writeLock(init, { pid: 1, host: hostname(), started: 'boot' });
    assert.throws(() => checkRunFolder(init, 'new'), /is in use by deja \(pid 1 on/);
  });

  it('notices go to stderr by default; errors other than an existing lock pass through', () => {
    const dir = folder();
    const dead = deadPid();
    writeLock(dir, { pid: dead, host: hostname(), started: 'before' });
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stderr.write;
    try {
      acquireRunLock(dir)();
    } finally {
      process.stderr.write = write;
    }
    assert.deepEqual(written, [`deja: ${dir}: taking over the lock of a deja process that is gone (pid ${dead})\n`]);
    const file = join(root, 'not-a-folder');
    writeFileSync(file, '');
    assert.throws(() => acquireRunLock(file), (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOTDIR' && !(e instanceof RunFolderError));
  });

  it('takes over the lock of a dead owner on this host, with a notice', () => {
    const dir = folder(['events.jsonl']);
    const dead = deadPid();
    writeLock(dir, { pid: dead, host: hostname(), started: 'before' });
    checkRunFolder(dir, 'append');
    const notices: string[] = [];
    const release = acquireRunLock(dir, (line) => notices.push(line));
    assert.deepEqual(notices, [`${dir}: taking over the lock of a deja process that is gone (pid ${dead})`]);
    assert.equal(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid, process.pid);
    release();
    assert.deepEqual(readdirSync(dir), ['events.jsonl']);
  });

  it('an unreadable lock: refused while fresh (its owner may be writing it), taken over once old', () => {
    for (const content of ['', '{"pid": 1.5, "host": "h"}', '{"pid": 7}', 'not json']) {
      const dir = folder();
      const path = join(dir, LOCK_FILE);
      writeFileSync(path, content);
      const message = `${dir} is being opened by another deja process; try again in a few seconds`;
      refuses(() => checkRunFolder(dir, 'new'), message);
      refuses(() => acquireRunLock(dir), message);
      // 4 s old: still within the 5 s grace; 6 s old: its creator died.
      const at = (Date.now() - 4000) / 1000;
      utimesSync(path, at, at);
      refuses(() => checkRunFolder(dir, 'new'), message);
      const old = (Date.now() - 6000) / 1000;
      utimesSync(path, old, old);
      checkRunFolder(dir, 'new');
      const notices: string[] = [];
      acquireRunLock(dir, (line) => notices.push(line))();
      assert.deepEqual(notices, [`${dir}: taking over the lock of a deja process that is gone (pid unknown)`]);
    }
  });

  it("EPERM from the liveness probe (another user's process) counts as alive; ESRCH as gone", () => {
    const dir = folder();
    writeLock(dir, { pid: 4242, host: hostname(), started: 'then' });
    const probed: number[] = [];
    const message = `${dir} is in use by deja (pid 4242 on ${hostname()}, since then); wait for it to finish or stop it. If that process is gone, delete ${join(dir, LOCK_FILE)}`;
    withProbe((pid) => {
      probed.push(pid);
      throw errno('EPERM');
    }, () => {
      refuses(() => checkRunFolder(dir, 'new'), message);
      refuses(() => acquireRunLock(dir, () => assert.fail('no takeover')), message);
    });
    assert.deepEqual(probed, [4242, 4242]);
    const notices: string[] = [];
    withProbe(() => {
      throw errno('ESRCH');
    }, () => acquireRunLock(dir, (line) => notices.push(line))());
    assert.deepEqual(notices, [`${dir}: taking over the lock of a deja process that is gone (pid 4242)`]);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('a dead owner\'s lock removed by someone else meanwhile is taken all the same', () => {
    const dir = folder();
    const path = join(dir, LOCK_FILE);
    writeLock(dir, { pid: 4243, host: hostname(), started: 'then' });
    const notices: string[] = [];
    // Between our reading the dead owner and removing its lock, another process removes it.
    withProbe(() => {
      rmSync(path);
      throw errno('ESRCH');
    }, () => {
      const release = acquireRunLock(dir, (line) => notices.push(line));
      assert.equal(JSON.parse(readFileSync(path, 'utf8')).pid, process.pid);
      release();
    });
    assert.deepEqual(notices, [`${dir}: taking over the lock of a deja process that is gone (pid 4243)`]);
    assert.equal(existsSync(path), false);
  });

  it('a lock re-created by racing processes: retried, and refused after three takeovers', () => {
    const dead = deadPid();
    const stale = { pid: dead, host: hostname(), started: 'then' };
    const takeover = (dir: string) => `${dir}: taking over the lock of a deja process that is gone (pid ${dead})`;
    // Re-created once after our removal: the second try takes it.
    const once = folder();
    writeLock(once, stale);
    const notices: string[] = [];
    const release = acquireRunLock(once, (line) => {
      if (notices.push(line) === 1) writeLock(once, stale);
    });
    assert.deepEqual(notices, [takeover(once), takeover(once)]);
    assert.equal(JSON.parse(readFileSync(join(once, LOCK_FILE), 'utf8')).pid, process.pid);
    release();
    // Re-created after every removal: three tries, then a refusal (not a loop without end).
    const always = folder();
    writeLock(always, stale);
    const seen: string[] = [];
    refuses(
      () => acquireRunLock(always, (line) => {
        seen.push(line);
        writeLock(always, stale);
      }),
      `${always}: could not take the run folder's lock (another process keeps taking it)`,
    );
    assert.deepEqual(seen, [takeover(always), takeover(always), takeover(always)]);
  });

  it('this pid on another host is another process: refused, and not removed by a release', () => {
    const dir = folder();
    writeLock(dir, { pid: process.pid, host: 'elsewhere', started: 'dawn' });
    const message = `${dir} is in use by deja (pid ${process.pid} on elsewhere, since dawn); wait for it to finish or stop it. If that process is gone, delete ${join(dir, LOCK_FILE)}`;
    refuses(() => checkRunFolder(dir, 'append'), message);
    refuses(() => acquireRunLock(dir), message);
    const mine = folder();
    const release = acquireRunLock(mine);
    writeLock(mine, { pid: process.pid, host: 'elsewhere', started: 'dawn' });
    release();
    assert.equal(JSON.parse(readFileSync(join(mine, LOCK_FILE), 'utf8')).host, 'elsewhere');
  });

  it('a release finds its lock deleted meanwhile (by hand): no error', () => {
    const dir = folder();
    const path = join(dir, LOCK_FILE);
    const release = acquireRunLock(dir);
    // The release reads the owner, asks the host name, then removes: the file goes in between.
    const host = hostname();
    withStub(os, 'hostname', () => {
      rmSync(path);
      return host;
    }, release);
    assert.equal(existsSync(path), false);
  });

  it('an unreadable lock is fresh for 5 s exactly: refused at 4.999 s, taken at 5 s', () => {
    const dir = folder();
    const path = join(dir, LOCK_FILE);
    writeFileSync(path, '');
    const seconds = Math.floor(Date.now() / 1000) - 60;
    utimesSync(path, seconds, seconds); // whole seconds: mtimeMs is exact
    const at = (ms: number) => () => seconds * 1000 + ms;
    withStub(Date, 'now', at(4999), () => refuses(() => checkRunFolder(dir, 'new'), `${dir} is being opened by another deja process; try again in a few seconds`));
    withStub(Date, 'now', at(5000), () => checkRunFolder(dir, 'new'));
  });

  it('a folder that refuses new files (/proc: ENOENT) is an error of its own, not a lock to take over', () => {
    assert.throws(() => acquireRunLock('/proc', () => assert.fail('no takeover')), (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT' && !(e instanceof RunFolderError));
  });
});
