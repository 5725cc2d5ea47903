/**
 * A run folder is deja's alone: it holds only run files, one process writes it
 * at a time (an exclusive lock file naming the pid and host), and no run file
 * is ever a symbolic link. Breaking any of these could overwrite a user's file
 * or interleave two runs' events.
 */
import { closeSync, constants, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Raised when a folder cannot be used as a run folder: shown to the user as one line. */
export class RunFolderError extends Error {
  override name = 'RunFolderError';
}

export const LOCK_FILE = '.deja-lock';
/** Every file a run writes (checkpoint.json: see checkpoint.ts). */
export const RUN_FILES = ['config.json', 'events.jsonl', 'summary.json', 'checkpoint.json', LOCK_FILE] as const;
/** Temporary files of atomic writes (atomic-file.ts) and of --repair. */
const TEMP_FILE = /^\.(config|summary|checkpoint|events)\.(json|jsonl)\.\d+\.tmp$/;
/** A lock file still empty this long after it was created belongs to a process that died creating it. */
const EMPTY_LOCK_GRACE_MS = 5000;

export type FolderMode = 'new' | 'replace' | 'append';

/**
 * mkdir -p one level at a time. (Node's recursive mkdirSync retries forever where
 * a parent exists but refuses children with ENOENT, as /proc does.)
 */
export function makeFolder(dir: string): void {
  const missing: string[] = [];
  for (let at = resolve(dir); !existsSync(at); at = dirname(at)) {
    missing.push(at);
    // Stryker disable next-line ConditionalExpression: (false) the root always exists, so the loop ends there anyway; only a defence
    if (dirname(at) === at) break;
  }
  for (const path of missing.reverse()) mkdirSync(path);
}

/** Checks that `dir` may be written as a run folder in `mode`, before anything is written. */
export function checkRunFolder(dir: string, mode: FolderMode): void {
  if (!existsSync(dir)) {
    if (mode === 'append') throw new RunFolderError(`${dir}: no such run folder`);
    return;
  }
  if (!statSync(dir).isDirectory()) throw new RunFolderError(`--out: ${dir} is a file, not a folder`);
  const entries = readdirSync(dir);
  const foreign = entries.filter((name) => !(RUN_FILES as readonly string[]).includes(name) && !TEMP_FILE.test(name));
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 3).map((n) => `"${n}"`).join(', ') + (foreign.length > 3 ? `, and ${foreign.length - 3} more` : '');
    throw new RunFolderError(`${dir} holds files deja did not write (${shown}); a run folder is deja's alone: choose an empty or new folder`);
  }
  for (const name of RUN_FILES) {
    const path = join(dir, name);
    if (isLink(path)) throw new RunFolderError(`${path} is a symbolic link; deja never writes through links in a run folder: remove it`);
  }
  // Stryker disable next-line ConditionalExpression: (true) a missing lock file reads as one removed meanwhile: nothing to refuse
  if (entries.includes(LOCK_FILE)) refuseLiveOwner(dir, join(dir, LOCK_FILE));
  if (mode === 'new' && entries.includes('events.jsonl')) {
    throw new RunFolderError(`--out: ${dir} already holds a run; continue it with \`deja resume ${dir}\`, choose another folder, or pass --force to replace it`);
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Removes an old run's files (--force), so no stale summary.json sits next to new events. */
export function clearRunFiles(dir: string): void {
  for (const name of RUN_FILES) if (name !== LOCK_FILE) rmSync(join(dir, name), { force: true });
}

interface LockOwner {
  pid: number;
  host: string;
  started: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return Number.isInteger(owner.pid) && typeof owner.host === 'string' ? owner : null;
  } catch {
    return null;
  }
}

/**
 * Takes the run folder's lock: O_EXCL creation of .deja-lock holding pid and host.
 * A lock left by a dead process on this host is taken over (with a notice); a live
 * owner, or one on another host, is refused in one line. The same process may take
 * it again (resume takes it before the recorder does). Returns the release function.
 */
export function acquireRunLock(dir: string, notice: (line: string) => void = (line) => process.stderr.write(`deja: ${line}\n`)): () => void {
  makeFolder(dir);
  const path = join(dir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(path);
      if (owner?.pid === me.pid && owner.host === me.host) return () => releaseLock(path);
      refuseLiveOwner(dir, path);
      // force: another process taking it over may have removed it meanwhile. The notice comes after
      // the removal, so a test's notice can re-create the lock as a racing process would.
      rmSync(path, { force: true });
      notice(`${dir}: taking over the lock of a deja process that is gone (pid ${owner?.pid ?? 'unknown'})`);
      continue;
    }
    writeSync(fd, JSON.stringify(me) + '\n');
    closeSync(fd);
    return () => releaseLock(path);
  }
  throw new RunFolderError(`${dir}: could not take the run folder's lock (another process keeps taking it)`);
}

/** Throws when the lock at `path` belongs to another live process (or one on another host). */
function refuseLiveOwner(dir: string, path: string): void {
  const owner = readOwner(path);
  if (owner?.pid === process.pid && owner.host === hostname()) return;
  if (owner === null) {
    let age = Number.POSITIVE_INFINITY; // if it is gone meanwhile: nothing to refuse
    try {
      age = Date.now() - lstatSync(path).mtimeMs;
    } catch {}
    if (age < EMPTY_LOCK_GRACE_MS) throw new RunFolderError(`${dir} is being opened by another deja process; try again in a few seconds`);
  } else if (owner.host !== hostname() || alive(owner.pid)) {
    throw new RunFolderError(`${dir} is in use by deja (pid ${owner.pid} on ${owner.host}, since ${owner.started}); wait for it to finish or stop it. If that process is gone, delete ${path}`);
  }
}

function releaseLock(path: string): void {
  const owner = readOwner(path);
  if (owner?.pid === process.pid && owner.host === hostname()) rmSync(path, { force: true });
}
