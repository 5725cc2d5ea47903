/**
 * Looking at and tidying a persistent cache file (`deja cache`): its size,
 * namespaces with their entry counts and the experiments they came from,
 * pruning old entries, clearing a domain's entries.
 */
import { existsSync, statSync } from 'node:fs';
import { openCacheDatabase, type CacheDatabase } from './sqlite-schema.js';

export interface NamespaceInfo {
  key: string;
  domain: string;
  version: string;
  entries: number;
  /** Names of the experiments whose runs used this namespace. */
  experiments: string[];
  runs: number;
  /** Milliseconds since the epoch of the newest entry (null: none). */
  lastUpdated: number | null;
}

export interface CacheInfo {
  path: string;
  /** Bytes on disk: the database and its write-ahead log. */
  bytes: number;
  entries: number;
  namespaces: NamespaceInfo[];
}

/** Bytes of the database file with its write-ahead log and the log's index, those that exist. */
export function fileBytes(path: string): number {
  let bytes = 0;
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(path + suffix)) bytes += statSync(path + suffix).size;
  return bytes;
}

export function cacheInfo(path: string): CacheInfo {
  return withDatabase(path, (db) => {
    const rows = db.raw.prepare(`
      SELECT n.key, n.domain, n.version,
        (SELECT COUNT(*) FROM entries e WHERE e.ns = n.id),
        (SELECT MAX(updated_at) FROM entries e WHERE e.ns = n.id),
        (SELECT COUNT(*) FROM runs r WHERE r.ns = n.id),
        (SELECT GROUP_CONCAT(DISTINCT r.experiment) FROM runs r WHERE r.ns = n.id)
      FROM namespaces n ORDER BY n.domain, n.key`).raw(true).all() as Array<[string, string, string, number, number | null, number, string | null]>;
    const namespaces = rows.map(([key, domain, version, entries, lastUpdated, runs, experiments]) => ({
      key, domain, version, entries, lastUpdated, runs, experiments: experiments ? experiments.split(',') : [],
    }));
    return { path, bytes: fileBytes(path), entries: namespaces.reduce((n, ns) => n + ns.entries, 0), namespaces };
  });
}

/** Deletes entries written before `cutoffMs` (ms since the epoch); returns how many. */
export function pruneOlderThan(path: string, cutoffMs: number): number {
  return deleteEntries(path, 'DELETE FROM entries WHERE updated_at < ?', cutoffMs);
}

/** Deletes every entry of a domain's namespaces (all versions); returns how many. */
export function clearDomain(path: string, domain: string): number {
  return deleteEntries(path, 'DELETE FROM entries WHERE ns IN (SELECT id FROM namespaces WHERE domain = ?)', domain);
}

export function clearAll(path: string): number {
  return deleteEntries(path, 'DELETE FROM entries');
}

function deleteEntries(path: string, sql: string, ...params: unknown[]): number {
  return withDatabase(path, (db) => {
    const removed = db.raw.prepare(sql).run(...params).changes;
    try {
      // Give the pages back to the file system; skipped while another run has the file open.
      db.raw.exec('VACUUM');
      db.raw.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    } catch {
      // the freed pages are reused by later entries instead
    }
    return removed;
  });
}

/** Runs `use` on the opened file, then closes it. */
function withDatabase<T>(path: string, use: (db: CacheDatabase) => T): T {
  const db = openCacheDatabase(path);
  // Stryker disable BlockStatement: (the finally block) nothing is left to commit, and libsql lets go of the file only when its statements are garbage-collected, closed or not.
  try {
    return use(db);
  } finally {
    db.close();
  }
}
