import { performance } from 'node:perf_hooks';

/** Runs `fn` repeatedly for at least `minMs` (after one warm-up round); returns calls per second. */
export function opsPerSecond(fn: () => void, minMs = 1000, batch = 1000): number {
  for (let i = 0; i < batch; i++) fn();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < minMs) {
    for (let i = 0; i < batch; i++) fn();
    calls += batch;
    now = performance.now();
  }
  return calls / ((now - start) / 1000);
}

export const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
