/**
 * The `domainOptions` of a nas-cell experiment, validated with zod. Every
 * field has a default sized for this 2-core machine; the paper-scale
 * experiment file overrides them.
 */
import { z } from 'zod';
import { DomainInputError } from '../../domain/domain.js';
import { BACKEND_CHOICES } from './backend.js';
import { DEFAULT_FORWARD_PROBE } from './forward-probe.js';
import { SPLIT_CAPACITY } from './mnist-data.js';

const int = (min: number, max: number) => z.number().int().min(min).max(max);

const forwardProbeSchema = z
  .object({
    batch: int(1, 64).default(DEFAULT_FORWARD_PROBE.batch),
    size: int(3, 32).default(DEFAULT_FORWARD_PROBE.size),
    inputChannels: int(1, 64).default(DEFAULT_FORWARD_PROBE.inputChannels),
    // At least 5: up to five interior vertices share the output channels.
    outputChannels: int(5, 256).default(DEFAULT_FORWARD_PROBE.outputChannels),
    classes: int(1, 100).default(DEFAULT_FORWARD_PROBE.classes),
    seed: int(0, 2 ** 31 - 1).default(DEFAULT_FORWARD_PROBE.seed),
  })
  .strict();

const shortTrainSchema = z
  .object({
    epochs: int(1, 100).default(1),
    trainExamples: int(10, SPLIT_CAPACITY.train).default(256),
    validationExamples: int(10, SPLIT_CAPACITY.validation).default(256),
    seed: int(0, 2 ** 31 - 1).default(0),
  })
  .strict();

export const nasCellOptionsSchema = z
  .object({
    /** How candidates are hashed before evaluation. */
    probe: z.enum(['forward', 'short-train']).default('forward'),
    backend: z.enum(BACKEND_CHOICES).default('auto'),
    maxVertices: int(2, 7).default(7),
    maxEdges: int(1, 21).default(9),
    mutationRate: z.number().positive().max(7).default(1),
    stemChannels: int(5, 512).default(16),
    stacks: int(1, 5).default(2),
    cellsPerStack: int(1, 5).default(1),
    imageSide: z.union([z.literal(14), z.literal(28)], { error: 'expected 14 or 28' }).default(14),
    optimizer: z.enum(['adam', 'sgd']).default('adam'),
    epochs: int(1, 200).default(1),
    batchSize: int(1, 1024).default(32),
    /** Adam's rate, or SGD's peak rate before cosine decay. */
    learningRate: z.number().positive().max(10).default(0.01),
    momentum: z.number().min(0).max(0.999).default(0.9),
    weightDecay: z.number().min(0).max(1).default(1e-4),
    bnMomentum: z.number().min(0).max(0.9999).default(0.7),
    trainExamples: int(10, SPLIT_CAPACITY.train).default(1000),
    validationExamples: int(10, SPLIT_CAPACITY.validation).default(500),
    testExamples: int(10, SPLIT_CAPACITY.test).default(500),
    forwardProbe: forwardProbeSchema.default(forwardProbeSchema.parse({})),
    shortTrain: shortTrainSchema.default(shortTrainSchema.parse({})),
  })
  .strict();

export type NasCellOptions = z.infer<typeof nasCellOptionsSchema>;

/** Parses domainOptions; throws DomainInputError with one line naming the field and what is allowed. */
export function parseNasCellOptions(raw: Record<string, unknown>): NasCellOptions {
  const result = nasCellOptionsSchema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    const where = [...issue.path, issue.keys[0]].join('.');
    throw new DomainInputError(`domainOptions.${where}: unknown option`);
  }
  throw new DomainInputError(`domainOptions.${issue.path.join('.')}: ${issue.message}`);
}
