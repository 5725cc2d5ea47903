/**
 * The symbolic probe: the tree's outputs on fixed pseudo-random inputs.
 * Inputs span [-3, 3] in 8 variables whatever the experiment's variable count
 * or target ranges, so one expression has one hash across all experiments
 * (and `deja hash symbolic --expr` matches any run). Probing a superset of
 * the target's domain can only keep apart functions that agree on it, never
 * merge different ones.
 */
import { createRng } from '../../random/rng.js';
import { compile, constantsOf, type Expr } from './expression.js';

export const PROBE_POINTS = 64;
export const PROBE_VARIABLES = 8;
const PROBE_RANGE = 3;
const PROBE_SEED = 'symbolic-probe-v2';
export const PROBE_KEY = `points=${PROBE_POINTS};vars=${PROBE_VARIABLES};range=${PROBE_RANGE};seed=${PROBE_SEED}`;

// Inputs need all 53 mantissa bits random: a 32-bit uniform scaled to the range
// sits on a coarse grid that lines up with the quantization buckets' edges, and
// then outputs that differ in the last bit (exp(log(x)) vs x) land on both sides.
const PROBE_INPUTS: readonly Float64Array[] = (() => {
  const rng = createRng(PROBE_SEED);
  const fullPrecision = () => rng.next() + rng.next() * 2 ** -32;
  return Array.from({ length: PROBE_POINTS }, () => Float64Array.from({ length: PROBE_VARIABLES }, () => PROBE_RANGE * (2 * fullPrecision() - 1)));
})();

export function probeExpression(expr: Expr): Float64Array {
  const f = compile(expr);
  const constants = constantsOf(expr);
  const out = new Float64Array(PROBE_POINTS);
  for (let i = 0; i < PROBE_POINTS; i++) out[i] = f(PROBE_INPUTS[i], constants);
  return out;
}
