/** The experiment's domainOptions for the discrete-sampler domain, validated with one-line errors. */
import { z } from 'zod';
import { parseDomainOptions } from '../../domain/domain-options.js';
import { DomainInputError } from '../../domain/domain.js';

const optionsSchema = z.strictObject({
  /** Limit on the expected network calls per sequence. */
  nfe: z.number().min(1).max(1024).default(8),
  /** Fitness lost per expected NFE above the limit. */
  nfePenalty: z.number().min(0).default(1),
  /** Sequence length L and vocabulary size of the Markov chain. */
  length: z.number().int().min(3).max(64).default(16),
  vocab: z.number().int().min(2).max(16).default(8),
  chainSeed: z.number().int().default(0),
  /** Dirichlet concentration of the transition rows (small = peaked, strongly correlated neighbours). */
  concentration: z.number().positive().max(100).default(0.3),
  /** Sequences per evaluation (and as many exact draws for the two-sample statistic). */
  samples: z.number().int().min(16).max(100000).default(2048),
  /** Seed of the evaluation uniforms; the final score uses heldOutSeed's. */
  uniformSeed: z.number().int().default(0),
  heldOutSeed: z.number().int().default(1),
});

export type DiscreteDomainOptions = z.infer<typeof optionsSchema>;

export function parseOptions(raw: Record<string, unknown>): DiscreteDomainOptions {
  const options = parseDomainOptions(optionsSchema, raw);
  if (options.heldOutSeed === options.uniformSeed) throw new DomainInputError('domainOptions.heldOutSeed: must differ from uniformSeed (the final score uses unseen uniforms)');
  return options;
}
