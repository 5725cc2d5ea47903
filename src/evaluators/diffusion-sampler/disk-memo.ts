/**
 * A value computed once and kept on disk, shared by every thread and run
 * that points at the same cache folder. One writer at a time: the first
 * thread takes a lock file, the others wait for the result file; writes go
 * through a temporary file and a rename so readers never see half a file.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
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
    if (existsSync(file)) return decode(readFileSync(file));
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
      const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      writeFileSync(tmp, encode(value));
      renameSync(tmp, file);
      return value;
    } finally {
      closeSync(fd);
      unlinkSync(lock);
    }
  }
}

export function encodeFloat64(values: Float64Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

export function decodeFloat64(bytes: Buffer): Float64Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float64Array(copy.buffer);
}
