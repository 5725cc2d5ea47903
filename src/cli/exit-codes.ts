/**
 * The CLI's error boundary: every failure becomes one `deja:` line and a
 * documented exit code (docs/RELIABILITY.md). The stack is printed only with
 * DEJA_DEBUG=1, because a user who made a typo needs the fix, not our internals.
 */
import { CommanderError } from 'commander';
import { DomainInputError } from '../domain/domain.js';
import { ExperimentError } from '../experiment/load-experiment.js';
import { RunFolderError } from '../report/run-folders.js';
import { SearchSpaceError } from '../search/searcher.js';
import { CliError } from './cli-error.js';

export const EXIT = {
  ok: 0,
  internal: 1,
  badInput: 2,
  io: 3,
  tooManyFailures: 4,
  sigint: 130,
  sigterm: 143,
} as const;

/** The exit code a signal stops a run with: 128 + the signal's number. */
export const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

const USER_ERRORS = [CliError, ExperimentError, DomainInputError, SearchSpaceError, RunFolderError];

/** Errno codes that mean the file system refused, not that deja is broken. */
const IO_CODES: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'a folder is in the way of a file',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'a symbolic link is in the way (deja does not follow links for run files)',
  EMFILE: 'too many open files',
  EIO: 'an input/output error from the device',
  EEXIST: 'the file already exists',
};

export interface Failure {
  code: number;
  message: string;
}

function errnoFailure(error: NodeJS.ErrnoException): Failure | null {
  if (typeof error.code !== 'string' || !(error.code in IO_CODES)) return null;
  const where = error.path ? ` (${error.path})` : '';
  return { code: EXIT.io, message: `${IO_CODES[error.code]}${where}: ${error.syscall ?? 'I/O'} failed with ${error.code}` };
}

/** Maps anything thrown to the line and exit code the user sees. */
export function classifyError(error: unknown): Failure {
  if (error instanceof CommanderError) return { code: error.exitCode === 0 ? EXIT.ok : EXIT.badInput, message: '' };
  if (USER_ERRORS.some((E) => error instanceof E)) return { code: EXIT.badInput, message: (error as Error).message };
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return { code: EXIT.badInput, message: 'input nests too deeply to process (maximum call stack exceeded); simplify the candidate, expression or options' };
  }
  if (error instanceof Error) {
    const io = errnoFailure(error as NodeJS.ErrnoException);
    if (io) return io;
    if ((error as NodeJS.ErrnoException).code === 'ERR_STRING_TOO_LONG') return { code: EXIT.io, message: `a file is too large to read at once: ${error.message}` };
  }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { code: EXIT.internal, message: `internal error: ${text} (set DEJA_DEBUG=1 for the stack; please report it)` };
}

/** Prints one line for a failure (plus the stack with DEJA_DEBUG=1) and returns the exit code. */
export function reportFailure(error: unknown, write: (text: string) => void = (t) => process.stderr.write(t)): number {
  const failure = classifyError(error);
  if (failure.message) write(`deja: ${failure.message.split('\n')[0]}\n`);
  if (process.env.DEJA_DEBUG === '1' && error instanceof Error && error.stack) write(`${error.stack}\n`);
  return failure.code;
}
