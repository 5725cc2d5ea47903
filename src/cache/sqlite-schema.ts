/**
 * The persistent store's file: its tables, opening it (WAL, busy timeout), and
 * the namespace and run rows every store and `deja cache` work with.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'libsql';

export type Statement = Database.Statement<unknown[]>;

/** Bump when the tables change; an older file is refused with a message rather than misread. */
export const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS namespaces (
  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, domain TEXT NOT NULL, version TEXT NOT NULL,
  fingerprint TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE, ns INTEGER NOT NULL, experiment TEXT NOT NULL,
  out_dir TEXT, started_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
  ns INTEGER NOT NULL, hash TEXT NOT NULL, fitness REAL NOT NULL, evaluations INTEGER NOT NULL,
  mean_cost REAL NOT NULL, run INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  PRIMARY KEY (ns, hash)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS claims (
  ns INTEGER NOT NULL, hash TEXT NOT NULL, run INTEGER NOT NULL, expires_at INTEGER NOT NULL,
  PRIMARY KEY (ns, hash)) WITHOUT ROWID;
`;

export interface NamespaceSpec {
  key: string;
  domain: string;
  version: string;
  fingerprint: unknown;
}

export interface RunSpec {
  uid: string;
  experiment: string;
  outDir: string | null;
}

export class CacheDatabase {
  constructor(readonly raw: Database.Database) {}

  /** The namespace's row id, created on first use. */
  namespaceId(ns: NamespaceSpec): number {
    this.raw
      .prepare('INSERT OR IGNORE INTO namespaces (key, domain, version, fingerprint, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(ns.key, ns.domain, ns.version, JSON.stringify(ns.fingerprint), Date.now());
    return (this.raw.prepare('SELECT id FROM namespaces WHERE key = ?').raw(true).get(ns.key) as [number])[0];
  }

  /** The run's row id: a resumed run (same uid) keeps its row, so its entries stay its own. */
  runId(run: RunSpec, ns: number): number {
    this.raw
      .prepare('INSERT OR IGNORE INTO runs (uid, ns, experiment, out_dir, started_at) VALUES (?, ?, ?, ?, ?)')
      .run(run.uid, ns, run.experiment, run.outDir, Date.now());
    return (this.raw.prepare('SELECT id FROM runs WHERE uid = ?').raw(true).get(run.uid) as [number])[0];
  }

  close(): void {
    if (this.raw.inTransaction) this.raw.exec('COMMIT');
    this.raw.close();
  }
}

/** Opens (creating when missing) a cache database; several processes may hold it open at once. */
export function openCacheDatabase(path: string): CacheDatabase {
  mkdirSync(dirname(path), { recursive: true });
  // A writer waits up to 10 s for another's transaction (they last at most ~50 ms) before failing.
  const raw = new Database(path, { timeout: 10_000 });
  raw.exec('PRAGMA journal_mode = WAL');
  // WAL with synchronous NORMAL: commits survive a killed process; only an OS crash may lose the last ones.
  raw.exec('PRAGMA synchronous = NORMAL');
  raw.exec('BEGIN IMMEDIATE');
  try {
    raw.exec(SCHEMA);
    const row = raw.prepare("SELECT value FROM meta WHERE key = 'schema'").raw(true).get() as [string] | undefined;
    if (row === undefined) raw.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(String(SCHEMA_VERSION));
    else if (Number(row[0]) !== SCHEMA_VERSION) {
      throw new Error(`cache database ${path} has schema ${row[0]}, this deja reads ${SCHEMA_VERSION}: use another --cache-db or delete the file`);
    }
    raw.exec('COMMIT');
  } catch (error) {
    // Roll back first: libsql keeps a closed connection, write lock and all, until its statements are garbage-collected.
    raw.exec('ROLLBACK');
    raw.close();
    throw error;
  }
  return new CacheDatabase(raw);
}
