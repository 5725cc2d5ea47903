/**
 * A complete custom deja domain: circuits of NAND gates that should compute
 * 3-input majority. Many circuits compute the same Boolean function (dead
 * gates, rewired duplicates, double negations), so the functional hash, the
 * truth table, saves most evaluations.
 *
 * Run it with:  npx deja run experiments/custom-domain.json
 * Hash one:     npx deja hash experiments/custom-domain/nand-circuit.ts --candidate my-circuit.json
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { defineDomain, type Rng } from 'deja';

/** Gate g reads two earlier signals: inputs are 0..inputs-1, gate k is signal inputs+k. The last gate is the output. */
export interface Circuit {
  gates: Array<[number, number]>;
}

interface Options {
  inputs?: number;
  gates?: number;
  /** Simulated cost of an evaluation, standing in for hours of training. */
  evalDelayMs?: number;
}

const majority = (bits: number[]) => (bits.filter((b) => b === 1).length * 2 > bits.length ? 1 : 0);

function truthTable(c: Circuit, inputs: number): number[] {
  const rows: number[] = [];
  for (let row = 0; row < 2 ** inputs; row++) {
    const signals = Array.from({ length: inputs }, (_, i) => (row >> i) & 1);
    for (const [a, b] of c.gates) signals.push(1 - (signals[a] & signals[b]));
    rows.push(signals[signals.length - 1]);
  }
  return rows;
}

export default function nandCircuitDomain(options: Options) {
  const inputs = options.inputs ?? 3;
  const gateCount = options.gates ?? 8;
  const evalDelayMs = options.evalDelayMs ?? 5;
  const target = Array.from({ length: 2 ** inputs }, (_, row) => majority(Array.from({ length: inputs }, (_, i) => (row >> i) & 1)));
  const randomGate = (k: number, rng: Rng): [number, number] => [rng.int(inputs + k), rng.int(inputs + k)];

  return defineDomain<Circuit>({
    name: 'nand-circuit',
    version: '1',
    description: 'NAND circuits that should compute 3-input majority (custom-domain example)',
    probeKey: `inputs=${inputs}`,
    random: (rng) => ({ gates: Array.from({ length: gateCount }, (_, k) => randomGate(k, rng)) }),
    mutate: (c, rng) => {
      const gates = c.gates.map((g) => [...g] as [number, number]);
      const k = rng.int(gates.length);
      gates[k][rng.int(2)] = rng.int(inputs + k);
      return { gates };
    },
    validate: (c) => {
      const gates = (c as Circuit)?.gates;
      if (!Array.isArray(gates) || gates.length === 0) return 'gates: expected a non-empty array of [a, b] pairs';
      for (let k = 0; k < gates.length; k++) {
        const g = gates[k];
        const ok = Array.isArray(g) && g.length === 2 && g.every((s) => Number.isInteger(s) && s >= 0 && s < inputs + k);
        if (!ok) return `gates[${k}]: expected two signal numbers from 0 to ${inputs + k - 1} (inputs, then earlier gates)`;
      }
      return null;
    },
    // The truth table is the whole function: equal tables, equal circuits.
    probe: (c) => truthTable(c, inputs),
    evaluate: async (c, ctx) => {
      await sleep(evalDelayMs, undefined, { signal: ctx.signal });
      const table = truthTable(c, inputs);
      const correct = table.filter((v, row) => v === target[row]).length;
      return { fitness: correct / table.length, metrics: { gates: c.gates.length } };
    },
    describe: (c) => c.gates.map(([a, b], k) => `g${k}=nand(${a},${b})`).join(' '),
  });
}
