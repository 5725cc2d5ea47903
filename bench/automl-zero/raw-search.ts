/**
 * The raw automl-zero domain in a tight loop, without the engine: regularized
 * evolution as in the original run_search_experiment (population 1000,
 * tournament 10, one mutation with probability 0.9), with and without an
 * FEC-like Map (the original's: hash -> fitness, an entry forgotten after 100
 * hits, LRU of 100,000). Measures individuals per second and wall time to
 * reach the target fitness, per seed, on one core.
 *
 *   npx tsx bench/automl-zero/raw-search.ts [--seeds 5] [--target 0.9999]
 *       [--max-seconds 60] [--mode both|fec|plain] [--experiment experiments/automl-zero-linear.json]
 *       [--profile-split]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createFunctionalHasher } from '../../src/hash/functional-hash.js';
import { createRng } from '../../src/random/rng.js';
import factory, { type AutomlZeroCandidate } from '../../src/evaluators/automl-zero/index.js';
import type { Domain } from '../../src/domain/domain.js';

interface Args {
  seeds: number;
  target: number;
  maxSeconds: number;
  mode: 'both' | 'fec' | 'plain';
  experiment: string;
  profileSplit: boolean;
}

function readArgs(): Args {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '5' },
      target: { type: 'string', default: '0.9999' },
      'max-seconds': { type: 'string', default: '60' },
      mode: { type: 'string', default: 'both' },
      experiment: { type: 'string', default: 'experiments/automl-zero-linear.json' },
      'profile-split': { type: 'boolean', default: false },
    },
  });
  return {
    seeds: Number(values.seeds),
    target: Number(values.target),
    maxSeconds: Number(values['max-seconds']),
    mode: values.mode as Args['mode'],
    experiment: values.experiment!,
    profileSplit: values['profile-split']!,
  };
}

interface Entry {
  fitness: number;
  hits: number;
}

interface RunResult {
  seed: number;
  fec: boolean;
  individuals: number;
  seconds: number;
  /** CPU seconds of this process: less sensitive than wall time to other processes on a shared machine. */
  cpuSeconds: number;
  reached: boolean;
  secondsToTarget: number | null;
  individualsToTarget: number | null;
  best: number;
  hitRate: number;
  bestProgram: string;
  split: Record<string, number>;
}

async function runOnce(
  domain: Domain<AutomlZeroCandidate>,
  hash: (o: ArrayLike<number>) => string,
  search: { populationSize: number; tournamentSize: number },
  seed: number,
  fec: boolean,
  args: Args,
): Promise<RunResult> {
  const rng = createRng(seed, 'raw-search');
  const evalRng = createRng(seed, 'eval');
  const ctx = { seed, rng: evalRng, signal: new AbortController().signal };
  const cache = new Map<string, Entry>();
  const forgetEvery = 100;
  const capacity = 100000;
  const population: Array<{ c: AutomlZeroCandidate; f: number }> = [];
  let individuals = 0;
  let hits = 0;
  let best = -1;
  let bestProgram = '';
  let reachedAt: number | null = null;
  let reachedInd: number | null = null;
  const split = { mutate: 0, probe: 0, hash: 0, evaluate: 0 };
  const timed = args.profileSplit;
  const cpuStart = process.cpuUsage();
  const start = performance.now();

  const fitnessOf = async (c: AutomlZeroCandidate): Promise<number> => {
    let key: string | undefined;
    if (fec) {
      let t = timed ? performance.now() : 0;
      const probe = await domain.probe(c);
      if (timed) {
        const now = performance.now();
        split.probe += now - t;
        t = now;
      }
      key = hash(probe);
      if (timed) split.hash += performance.now() - t;
      const entry = cache.get(key);
      if (entry !== undefined) {
        hits++;
        // Re-insert to mark as recently used; forget after forgetEvery hits.
        cache.delete(key);
        if (++entry.hits < forgetEvery) cache.set(key, entry);
        return entry.fitness;
      }
    }
    const t = timed ? performance.now() : 0;
    const { fitness } = await domain.evaluate(c, ctx);
    if (timed) split.evaluate += performance.now() - t;
    if (key !== undefined) {
      if (cache.size >= capacity) cache.delete(cache.keys().next().value!);
      cache.set(key, { fitness, hits: 0 });
    }
    return fitness;
  };

  const record = (c: AutomlZeroCandidate, f: number): void => {
    individuals++;
    if (f > best) {
      best = f;
      bestProgram = c.program;
    }
    if (reachedAt === null && f >= args.target) {
      reachedAt = (performance.now() - start) / 1000;
      reachedInd = individuals;
    }
  };

  while (population.length < search.populationSize) {
    const c = domain.random(rng);
    const f = await fitnessOf(c);
    population.push({ c, f });
    record(c, f);
  }
  let oldest = 0;
  while (reachedAt === null && (performance.now() - start) / 1000 < args.maxSeconds) {
    // Tournament with replacement, as the original.
    let parent = population[rng.int(population.length)];
    for (let i = 1; i < search.tournamentSize; i++) {
      const other = population[rng.int(population.length)];
      if (other.f > parent.f) parent = other;
    }
    const t = timed ? performance.now() : 0;
    const child = domain.mutate(parent.c, rng);
    if (timed) split.mutate += performance.now() - t;
    const f = await fitnessOf(child);
    // Regularized evolution: the child replaces the oldest member.
    population[oldest] = { c: child, f };
    oldest = (oldest + 1) % population.length;
    record(child, f);
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return {
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    seed,
    fec,
    individuals,
    seconds,
    reached: reachedAt !== null,
    secondsToTarget: reachedAt,
    individualsToTarget: reachedInd,
    best,
    hitRate: fec ? hits / individuals : 0,
    bestProgram,
    split: Object.fromEntries(Object.entries(split).map(([k, v]) => [k, v / 1000])),
  };
}

function stats(values: number[]): string {
  if (values.length === 0) return 'n/a';
  const s = [...values].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return `median ${median.toFixed(2)}, min ${s[0].toFixed(2)}, max ${s[s.length - 1].toFixed(2)}`;
}

async function main(): Promise<void> {
  const args = readArgs();
  const experiment = JSON.parse(readFileSync(args.experiment, 'utf8')) as {
    domainOptions: Record<string, unknown>;
    search: { populationSize: number; tournamentSize: number };
    cache: { mantissaBits?: number };
  };
  const domain = (await factory(experiment.domainOptions)) as Domain<AutomlZeroCandidate>;
  const hasher = await createFunctionalHasher();
  const hash = hasher.forKey({
    domain: domain.name,
    version: domain.version,
    probeKey: domain.probeKey,
    mantissaBits: experiment.cache.mantissaBits ?? domain.mantissaBits,
  });
  const modes = args.mode === 'both' ? [false, true] : [args.mode === 'fec'];
  console.log(`node ${process.version}, target ${args.target}, max ${args.maxSeconds} s per run, seeds 1..${args.seeds}`);
  const results: RunResult[] = [];
  for (let seed = 1; seed <= args.seeds; seed++) {
    for (const fec of modes) {
      const r = await runOnce(domain, hash, experiment.search, seed, fec, args);
      results.push(r);
      const splitText = args.profileSplit ? ` split(s): ${JSON.stringify(r.split)}` : '';
      console.log(
        `seed ${seed} ${fec ? 'fec  ' : 'plain'}: ${Math.round(r.individuals / r.seconds)} ind/s (${Math.round(r.individuals / r.cpuSeconds)} per CPU s), ${r.individuals} individuals in ${r.seconds.toFixed(2)} s, ` +
          `best ${r.best.toFixed(6)}, ${r.reached ? `target at ${r.secondsToTarget!.toFixed(2)} s (${r.individualsToTarget} ind)` : 'target not reached'}` +
          `${fec ? `, hit rate ${r.hitRate.toFixed(3)}` : ''}${splitText}`,
      );
    }
  }
  for (const fec of modes) {
    const rs = results.filter((r) => r.fec === fec);
    console.log(
      `${fec ? 'fec  ' : 'plain'} summary: ind/s ${stats(rs.map((r) => r.individuals / r.seconds))}; ind per CPU s ${stats(rs.map((r) => r.individuals / r.cpuSeconds))}; ` +
        `time to target (s, ${rs.filter((r) => r.reached).length}/${rs.length} reached) ${stats(rs.filter((r) => r.reached).map((r) => r.secondsToTarget!))}` +
        `${fec ? `; hit rate ${stats(rs.map((r) => r.hitRate))}` : ''}`,
    );
  }
  const winner = results.reduce((a, b) => (b.best > a.best ? b : a));
  console.log(`best program (seed ${winner.seed}, ${winner.fec ? 'fec' : 'plain'}, fitness ${winner.best}):\n${winner.bestProgram}`);
}

await main();
