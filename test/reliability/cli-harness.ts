/**
 * Runs the CLI for the reliability tests: in-process through `main` (what
 * bin/deja.js calls) where that is faithful, so dozens of bad inputs cost
 * milliseconds each, or as a real process where exits and signals matter.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { repoRoot } from '../fixtures/paths.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const root = repoRoot();
export const DEJA_BIN = join(root, 'bin/deja.js');

/** One CLI call in this process, with stdout and stderr captured. */
export async function cli(...args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  // The CLI writes strings; the test runner's own protocol (binary chunks) passes through.
  const capture = (into: string[], original: typeof process.stdout.write, stream: NodeJS.WriteStream) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => (typeof chunk === 'string' ? into.push(chunk) > 0 : (original as (...a: unknown[]) => boolean).call(stream, chunk, ...rest))) as typeof process.stdout.write;
  process.stdout.write = capture(out, stdoutWrite, process.stdout);
  process.stderr.write = capture(err, stderrWrite, process.stderr);
  try {
    const code = await main(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
}

/** One CLI call as its own process (bin/deja.js). */
export function cliProcess(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [DEJA_BIN, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI as a child process (for kills and signals). */
export function startCli(args: string[]): ChildProcess {
  return spawn(process.execPath, [DEJA_BIN, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A clean failure: the given exit code and exactly one `deja:` line, never a stack trace. */
export function assertOneLine(r: CliResult, code: number, pattern: RegExp, label = ''): void {
  const where = `${label}\n${r.stderr}`;
  assert.equal(r.code, code, where);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, where);
  assert.match(lines[0], /^deja: /, where);
  assert.match(lines[0], pattern, where);
  assert.doesNotMatch(r.stderr, /\n\s+at |internal error/, where);
}
