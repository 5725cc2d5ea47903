/**
 * Whole-file writes that a crash cannot leave half done: write a temporary
 * file beside the target, fsync it, rename it over the target, fsync the
 * folder. A rename replaces a symbolic link rather than writing through it,
 * and the temporary file is created exclusively, so no link is ever followed.
 * (write-file-atomic would do the same but resolves links to write their target.)
 */
import { closeSync, constants, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_RDONLY, O_DIRECTORY } = constants;

/** fsyncs a folder so a rename in it survives a power cut; file systems that refuse are tolerated. */
// Stryker disable next-line BlockStatement: an fsync shows only after a power cut (the finally's close is tested: no descriptor leaks)
export function syncFolder(dir: string): void {
  let fd: number | undefined;
  // Stryker disable next-line BlockStatement: as above
  try {
    fd = openSync(dir, O_RDONLY | O_DIRECTORY);
    fsyncSync(fd);
  } catch {
    // Some file systems cannot fsync a folder; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  rmSync(tmp, { force: true }); // left by a crashed process with our pid
  const fd = openSync(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(tmp);
    throw error;
  }
  closeSync(fd);
  renameSync(tmp, path);
  syncFolder(dirname(path));
}
