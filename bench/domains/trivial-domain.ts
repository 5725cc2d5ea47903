/**
 * Benchmark domain: integers whose function is x mod `classes`, evaluated by
 * sleeping or spinning `evalMs` (0 = return at once). Measures the engine, not a domain.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { defineDomain, type Domain } from '../../src/domain/domain.js';

export interface TrivialOptions {
  classes?: number;
  evalMs?: number;
  /** "sleep" leaves the CPU free (I/O-like); "spin" burns it (compute-like); "sync" returns without a promise. */
  mode?: 'sleep' | 'spin' | 'sync';
}

export default function createTrivialDomain(options: TrivialOptions = {}): Domain<number> {
  const classes = options.classes ?? 1_000_000;
  const evalMs = options.evalMs ?? 0;
  const probeOut = new Float64Array(1);
  return defineDomain<number>({
    name: 'bench-trivial',
    version: '1',
    description: 'engine benchmark domain',
    random: (rng) => rng.int(1 << 30),
    // Children are fresh integers: the hit rate is set by `classes` alone.
    mutate: (_x, rng) => rng.int(1 << 30),
    probe: (x) => {
      probeOut[0] = x % classes;
      return probeOut;
    },
    evaluate: (x) => (options.mode === 'sync' ? { fitness: -(x % 97) } : evaluateAsync(x)),
    describe: (x) => String(x),
  });

  async function evaluateAsync(x: number) {
    if (evalMs > 0 && options.mode === 'spin') {
      const end = performance.now() + evalMs;
      while (performance.now() < end);
    } else if (evalMs > 0) {
      await sleep(evalMs);
    }
    return { fitness: -(x % 97) };
  }
}
