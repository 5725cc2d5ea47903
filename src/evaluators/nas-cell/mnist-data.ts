/**
 * Real MNIST digits from the `mnist` package (10,000 digits, about 1,000 per
 * class), split deterministically by index, never with the package's
 * Math.random helpers.
 *
 * Split rule: within each class file, digit i goes to train when i % 10 < 7,
 * to validation when i % 10 is 7 or 8, and to test when it is 9. Each split
 * is ordered by (index within class, class), so any prefix taken for a small
 * experiment stays class-balanced.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

export const MNIST_SIDE = 28;
export const MNIST_CLASSES = 10;

export interface ImageSplit {
  /** NHWC float32 pixels in [0, 1], shape [count, side, side, 1]. */
  images: Float32Array;
  labels: Int32Array;
  count: number;
  side: number;
}

export interface MnistSplits {
  train: ImageSplit;
  validation: ImageSplit;
  test: ImageSplit;
}

export interface MnistSubsetOptions {
  trainExamples: number;
  validationExamples: number;
  testExamples: number;
  /** 28 (full resolution) or 14 (2x2 average-pooled, 4x cheaper to train). */
  imageSide: 28 | 14;
}

type SplitName = 'train' | 'validation' | 'test';

export function splitOf(indexInClass: number): SplitName {
  const r = indexInClass % 10;
  return r < 7 ? 'train' : r < 9 ? 'validation' : 'test';
}

/** The raw pixel arrays of the ten class files, in class order. */
async function readDigitFiles(): Promise<number[][]> {
  const require = createRequire(import.meta.url);
  const dir = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  return Promise.all(
    Array.from({ length: MNIST_CLASSES }, async (_, digit) => {
      const parsed = JSON.parse(await readFile(path.join(dir, `${digit}.json`), 'utf8')) as { data: number[] };
      return parsed.data;
    }),
  );
}

function downsample2x(source: ArrayLike<number>, offset: number, target: Float32Array, targetOffset: number): void {
  const half = MNIST_SIDE / 2;
  for (let r = 0; r < half; r++) {
    for (let c = 0; c < half; c++) {
      const i = offset + 2 * r * MNIST_SIDE + 2 * c;
      target[targetOffset + r * half + c] = (source[i] + source[i + 1] + source[i + MNIST_SIDE] + source[i + MNIST_SIDE + 1]) / 4;
    }
  }
}

/** Builds the three splits; the first `n` of each split in (index, class) order. */
export function buildSplits(raw: number[][], options: MnistSubsetOptions): MnistSplits {
  const pixels = MNIST_SIDE * MNIST_SIDE;
  const side = options.imageSide;
  const wanted: Record<SplitName, number> = { train: options.trainExamples, validation: options.validationExamples, test: options.testExamples };
  const picked: Record<SplitName, Array<[number, number]>> = { train: [], validation: [], test: [] };
  const longest = Math.max(...raw.map((data) => data.length / pixels));
  for (let i = 0; i < longest; i++) {
    for (let digit = 0; digit < MNIST_CLASSES; digit++) {
      if (i >= raw[digit].length / pixels) continue;
      const split = splitOf(i);
      if (picked[split].length < wanted[split]) picked[split].push([digit, i]);
    }
  }
  const make = (name: SplitName): ImageSplit => {
    const items = picked[name];
    if (items.length < wanted[name]) throw new RangeError(`${name}Examples: only ${items.length} digits in the ${name} split, asked for ${wanted[name]}`);
    const images = new Float32Array(items.length * side * side);
    const labels = new Int32Array(items.length);
    items.forEach(([digit, i], k) => {
      labels[k] = digit;
      if (side === MNIST_SIDE) images.set(raw[digit].slice(i * pixels, (i + 1) * pixels), k * pixels);
      else downsample2x(raw[digit], i * pixels, images, k * side * side);
    });
    return { images, labels, count: items.length, side };
  };
  return { train: make('train'), validation: make('validation'), test: make('test') };
}

/** Per-thread memo: parsing the 20 MB of JSON once per worker is enough. */
let rawDigits: Promise<number[][]> | undefined;

export async function loadMnistSplits(options: MnistSubsetOptions): Promise<MnistSplits> {
  rawDigits ??= readDigitFiles();
  return buildSplits(await rawDigits, options);
}

/** Available digits per split (for option validation messages). */
export const SPLIT_CAPACITY = { train: 7008, validation: 1995, test: 997 } as const;
