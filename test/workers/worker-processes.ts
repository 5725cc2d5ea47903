/** `deja worker` processes for tests: started on a private Redis, stopped (or killed) by PID. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { repoRoot } from '../fixtures/paths.js';

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves when the worker has printed `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM and wait; returns the exit code. */
  stop(): Promise<number | null>;
  kill9(): Promise<void>;
}

export function startWorker(url: string, ...args: string[]): WorkerProcess {
  const child = spawn(process.execPath, [join(repoRoot(), 'bin/deja.js'), 'worker', '--redis', url, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const append = (d: Buffer) => {
    text += d.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = once(child, 'exit');
  return {
    child,
    output: () => text,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(text)) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`worker did not print ${pattern} within ${timeoutMs} ms; it printed:\n${text}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGTERM');
      await exited;
      return child.exitCode;
    },
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
      await exited;
    },
  };
}
