/**
 * A value computed once and kept on disk, shared by every thread and run
 * that points at the same cache folder. One writer at a time: the first
 * thread takes a lock file, the others wait for the result file; writes go
 * through a temporary file and a rename so readers never see half a file.
 * Every file has a sidecar `<file>.sha256` with its size and SHA-256, written
 * before it: a file whose size or checksum does not match (damaged, truncated,
 * replaced) is not trusted but computed again.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const STALE_LOCK_MS = 20 * 60 * 1000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function memoOnDisk<T>(
  file: string,
  compute: () => T | Promise<T>,
  encode: (value: T) => Buffer | string,
  decode: (bytes: Buffer) => T,
): Promise<T> {
  mkdirSync(dirname(file), { recursive: true });
  const lock = `${file}.lock`;
  for (;;) {
    const verified = readVerified(file);
    if (verified !== null) return decode(verified);
    let fd: number | undefined;
    try {
      fd = openSync(lock, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Someone else is computing; take over only if they died long ago.
      try {
        if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) unlinkSync(lock);
      } catch {
        // the lock vanished between the checks: loop again
      }
      await sleep(200);
      continue;
    }
    try {
      const value = await compute();
      const bytes = Buffer.from(encode(value));
      // The sidecar first: a reader that sees the file always finds what vouches for it.
      writeAtomically(`${file}.sha256`, Buffer.from(JSON.stringify({ size: bytes.length, sha256: sha256(bytes) })));
      writeAtomically(file, bytes);
      return value;
    } finally {
      closeSync(fd);
      unlinkSync(lock);
    }
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function writeAtomically(file: string, bytes: Buffer): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
}

/** The file's bytes when its sidecar vouches for them; null (and both removed) otherwise. */
function readVerified(file: string): Buffer | null {
  if (!existsSync(file)) return null;
  try {
    const meta = JSON.parse(readFileSync(`${file}.sha256`, 'utf8')) as { size: number; sha256: string };
    const bytes = readFileSync(file);
    if (bytes.length === meta.size && sha256(bytes) === meta.sha256) return bytes;
  } catch {
    // no sidecar (an older cache, or a crash between the two writes) or an unreadable one
  }
  rmSync(file, { force: true });
  rmSync(`${file}.sha256`, { force: true });
  return null;
}

export function encodeFloat64(values: Float64Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

export function decodeFloat64(bytes: Buffer): Float64Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float64Array(copy.buffer);
}
