import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DomainInputError } from '../domain/domain.js';
import { resolveDomainSpec } from '../domain/load-domain.js';
import { checkNesting } from '../domain/nesting.js';
import { ExperimentSchema, formatSchemaError, type Experiment, type ExperimentInput } from './schema.js';

/** Bad experiment input: the message names the file and field and is shown to the user as is. */
export class ExperimentError extends Error {
  override name = 'ExperimentError';
}

export function parseExperiment(input: unknown, source = 'experiment'): Experiment {
  const parsed = ExperimentSchema.safeParse(input);
  if (!parsed.success) throw new ExperimentError(`${source}: ${formatSchemaError(parsed.error)}`);
  return parsed.data;
}

/** Reads, validates and resolves an experiment file; a relative domain path is taken from the file's folder. */
export function loadExperimentFile(path: string, overrides: Partial<ExperimentInput> = {}): Experiment {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ExperimentError(`${path}: cannot read the experiment file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ExperimentError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ExperimentError(`${path}: expected a JSON object with at least "domain" and "budget"`);
  }
  const tooDeep = checkNesting(json, 'experiment');
  if (tooDeep) throw new ExperimentError(`${path}: ${tooDeep}`);
  const experiment = parseExperiment(mergeOverrides(json as Record<string, unknown>, overrides), path);
  try {
    experiment.domain = resolveDomainSpec(experiment.domain, dirname(resolve(path)));
  } catch (error) {
    if (error instanceof DomainInputError) throw new ExperimentError(`${path}: ${error.message}`);
    throw error;
  }
  return experiment;
}

/** Command-line overrides win over the file, one nested level deep (budget, cache, search). */
export function mergeOverrides(base: Record<string, unknown>, overrides: Partial<ExperimentInput>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const old = merged[key];
    merged[key] = isPlainObject(old) && isPlainObject(value) ? { ...old, ...value } : value;
  }
  return merged;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
