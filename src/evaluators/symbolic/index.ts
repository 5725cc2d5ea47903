/**
 * The `symbolic` domain: symbolic regression over expression trees.
 * Options (the experiment's `domainOptions`) pick a target formula, either a
 * named Feynman equation or any formula with its variable ranges.
 */
import { z } from 'zod';
import { defineDomain, DomainInputError, type Domain } from '../../domain/domain.js';
import { checkNesting } from '../../domain/nesting.js';
import { formatSchemaError } from '../../experiment/schema.js';
import { checkExpr, depth, size, type Expr } from './expression.js';
import { evaluateExpression } from './evaluate.js';
import { parseExpression } from './parse.js';
import { printExpression } from './print.js';
import { PROBE_KEY, probeExpression } from './probe.js';
import { mutateExpression, randomExpression, type SpaceSettings } from './search-space.js';
import { FEYNMAN_TARGETS, parseTarget, sampleDataset, variableCount } from './targets.js';

const Range = z.tuple([z.number(), z.number()]).refine(([lo, hi]) => lo < hi, { message: 'expected [lo, hi] with lo < hi' });

export const SymbolicOptionsSchema = z.strictObject({
  /** A named Feynman target, e.g. "I.6.2a"; see FEYNMAN_TARGETS. */
  feynman: z.string().optional(),
  /** Or any target formula in x0, x1, ... */
  target: z.string().optional(),
  /** Sampling ranges per variable (one range applies to all). */
  ranges: z.union([Range, z.array(Range).min(1)]).optional(),
  /** Variables the candidates may use; defaults to the target's. */
  variables: z.int().min(1).max(64).optional(),
  trainPoints: z.int().min(2).default(200),
  testPoints: z.int().min(2).default(200),
  /** Gaussian noise on the training targets, relative to their standard deviation. */
  noise: z.number().min(0).default(0),
  dataSeed: z.int().min(0).default(0),
  maxDepth: z.int().min(1).max(32).default(6),
  maxSize: z.int().min(1).max(1000).default(25),
  growDepth: z.int().min(1).max(16).default(3),
  fitIterations: z.int().min(0).max(10_000).default(30),
});

export type SymbolicOptions = z.input<typeof SymbolicOptionsSchema>;

export default function createSymbolicDomain(raw: Record<string, unknown> = {}): Domain<Expr> {
  const parsed = SymbolicOptionsSchema.safeParse(raw);
  if (!parsed.success) throw new DomainInputError(`domainOptions: ${formatSchemaError(parsed.error)}`);
  const o = parsed.data;
  if (o.feynman !== undefined && o.target !== undefined) throw new DomainInputError('domainOptions: give either "feynman" or "target", not both');
  const named = o.feynman === undefined ? undefined : FEYNMAN_TARGETS[o.feynman];
  if (o.feynman !== undefined && !named) {
    throw new DomainInputError(`domainOptions.feynman: unknown target "${o.feynman}"; known: ${Object.keys(FEYNMAN_TARGETS).join(', ')}`);
  }
  const formula = o.target ?? named?.formula ?? FEYNMAN_TARGETS['I.6.2a'].formula;
  let target: Expr;
  try {
    target = parseTarget(formula);
  } catch (error) {
    throw new DomainInputError(`domainOptions.target: ${(error as Error).message}`);
  }
  const targetVariables = Math.max(1, variableCount(target));
  const variables = o.variables ?? targetVariables;
  const rangeList = o.ranges === undefined ? named?.ranges ?? (o.target === undefined ? FEYNMAN_TARGETS['I.6.2a'].ranges : [[1, 5]]) : o.ranges;
  const ranges: Array<[number, number]> = typeof rangeList[0] === 'number'
    ? Array.from({ length: variables }, () => rangeList as [number, number])
    : [...(rangeList as Array<[number, number]>)]; // a copy: the named targets' ranges are shared
  if (ranges.length === 1 && variables > 1) while (ranges.length < variables) ranges.push(ranges[0]);
  if (ranges.length !== variables) {
    throw new DomainInputError(`domainOptions.ranges: expected ${variables} ranges (one per variable) or a single [lo, hi], got ${ranges.length}`);
  }
  const train = sampleDataset(target, ranges, o.trainPoints, o.dataSeed, 'train', o.noise);
  const test = sampleDataset(target, ranges, o.testPoints, o.dataSeed, 'test', 0);
  const space: SpaceSettings = { variables, maxDepth: o.maxDepth, maxSize: o.maxSize, growDepth: o.growDepth };

  return defineDomain<Expr>({
    name: 'symbolic',
    version: '1',
    description: 'Symbolic regression over expression trees; constants fitted by Levenberg-Marquardt, scored by held-out R^2.',
    probeKey: PROBE_KEY,
    // The target and its data decide a score; the search-space limits (maxDepth, maxSize, growDepth) do not.
    evaluationKey: () => ({ formula, ranges, trainPoints: o.trainPoints, testPoints: o.testPoints, noise: o.noise, dataSeed: o.dataSeed, fitIterations: o.fitIterations }),
    random: (rng) => randomExpression(rng, space),
    mutate: (expr, rng) => mutateExpression(expr, rng, space),
    validate: (candidate) => {
      const problem = checkNesting(candidate, 'expr') ?? checkExpr(candidate, variables);
      if (problem) return problem;
      const e = candidate as Expr;
      if (size(e) > o.maxSize) return `expr: ${size(e)} nodes, more than maxSize ${o.maxSize}`;
      if (depth(e) > o.maxDepth) return `expr: depth ${depth(e)}, more than maxDepth ${o.maxDepth}`;
      return null;
    },
    probe: probeExpression,
    evaluate: (expr) => evaluateExpression(expr, train, test, o.fitIterations),
    describe: (expr) => printExpression(expr, { digits: 6 }),
    parse: parseExpression,
    optionsFor: (text) => {
      const used = variableCount(parseExpression(text));
      // Beyond the schema's 64 the option would be refused: validate names the variable instead.
      return used > variables && used <= 64 ? { variables: used } : {};
    },
  });
}
