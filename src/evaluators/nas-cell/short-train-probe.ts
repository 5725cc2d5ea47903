/**
 * The `short-train` probe: the paper's NAS-Bench-101 hash. A short training
 * run with every generator reset to a fixed seed, on a fixed small subset;
 * the hash covers train and validation accuracy at the halfway point and at
 * the end (four numbers, as in the public unified_functional_hashing code).
 */
import { createRng } from '../../random/rng.js';
import type { Cell } from './cell.js';
import { loadMnistSplits } from './mnist-data.js';
import type { NasCellOptions } from './options.js';
import { trainAndEvaluate } from './training.js';

export function shortTrainProbeKey(options: NasCellOptions, backend: string): string {
  const s = options.shortTrain;
  return [
    `short-train:e${s.epochs}t${s.trainExamples}v${s.validationExamples}seed${s.seed}`,
    `net:c${options.stemChannels}s${options.stacks}x${options.cellsPerStack}img${options.imageSide}`,
    `opt:${options.optimizer}b${options.batchSize}lr${options.learningRate}m${options.momentum}wd${options.weightDecay}bn${options.bnMomentum}`,
    // Float results differ between backends, so do accuracies (rarely, but then hashes would).
    `backend:${backend}`,
  ].join('|');
}

/** [train@half, validation@half, train@end, validation@end]. */
export async function shortTrainProbe(cell: Cell, options: NasCellOptions): Promise<number[]> {
  const s = options.shortTrain;
  const data = await loadMnistSplits({ trainExamples: s.trainExamples, validationExamples: s.validationExamples, testExamples: 10, imageSide: options.imageSide });
  const result = await trainAndEvaluate(
    cell,
    { inputChannels: 1, stemChannels: options.stemChannels, stacks: options.stacks, cellsPerStack: options.cellsPerStack, classes: 10, bnMomentum: options.bnMomentum },
    { optimizer: options.optimizer, epochs: s.epochs, batchSize: options.batchSize, learningRate: options.learningRate, momentum: options.momentum, weightDecay: options.weightDecay },
    { train: data.train, validation: data.validation },
    createRng(s.seed, 'nas-cell-short-train'),
    { checkpoints: [0.5, 1] },
  );
  return result.checkpoints.flatMap((c) => [c.trainAccuracy, c.validationAccuracy]);
}
