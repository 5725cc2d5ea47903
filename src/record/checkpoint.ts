/**
 * checkpoint.json: what resume needs that events.jsonl does not hold when a
 * run records no candidates (record.candidates: false, e.g. AutoML-Zero,
 * where candidates would be tens of MB a minute): the searcher's population
 * and the best candidate. Counters and cache entries are rebuilt from the
 * events as always (every event keeps its hash, fitness and cost), so the
 * checkpoint never copies the cache. Written periodically and at the end,
 * atomically (write, fsync, rename).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nestingDepth, MAX_INPUT_DEPTH } from '../domain/nesting.js';
import type { Individual } from '../search/searcher.js';
import { writeFileAtomic } from './atomic-file.js';
import type { RestoredRun } from './restore-run.js';
import { RunFolderError } from './run-folder.js';

export const CHECKPOINT_FILE = 'checkpoint.json';
const FORMAT = 1;

export interface CheckpointState {
  /** Event lines on disk when it was taken: every event settled by then. */
  events: number;
  population: Individual<unknown>[];
  best: RestoredRun['best'];
}

interface CheckpointFile extends CheckpointState {
  format: number;
  takenAt: string;
}

export function writeCheckpoint(dir: string, state: CheckpointState): void {
  const file: CheckpointFile = { format: FORMAT, takenAt: new Date().toISOString(), ...state };
  writeFileAtomic(join(dir, CHECKPOINT_FILE), JSON.stringify(file));
}

/** The folder's checkpoint, null when it has none; a damaged one is refused in one line. */
export function readCheckpoint(dir: string): CheckpointState | null {
  const path = join(dir, CHECKPOINT_FILE);
  if (!existsSync(path)) return null;
  let value: CheckpointFile;
  try {
    value = JSON.parse(readFileSync(path, 'utf8')) as CheckpointFile;
  } catch (error) {
    throw new RunFolderError(`${path}: not valid JSON (${(error as Error).message}); it is written atomically, so it was edited or damaged`);
  }
  const problem = checkShape(value);
  if (problem) throw new RunFolderError(`${path}: ${problem}; it was edited or damaged`);
  return { events: value.events, population: value.population, best: value.best };
}

function checkShape(value: CheckpointFile): string | null {
  if ((value as CheckpointFile | null)?.format !== FORMAT) return `expected a checkpoint of format ${FORMAT}`;
  if (!Number.isSafeInteger(value.events) || value.events < 0) return 'events: expected a whole number';
  if (!Array.isArray(value.population)) return 'population: expected an array';
  if (nestingDepth(value, MAX_INPUT_DEPTH + 4) > MAX_INPUT_DEPTH + 4) return `nests more than ${MAX_INPUT_DEPTH} levels deep`;
  for (const [i, individual] of value.population.entries()) {
    if (!Number.isSafeInteger(individual?.id) || !Number.isFinite(individual.fitness) || individual.candidate === undefined) {
      return `population[${i}]: expected {id, candidate, fitness}`;
    }
  }
  if (value.best !== null && !Number.isFinite(value.best?.fitness)) return 'best: expected null or {id, fitness, candidate}';
  return null;
}
