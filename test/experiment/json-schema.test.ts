import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { experimentJsonSchema } from '../../src/experiment/json-schema.js';
import { parseExperiment } from '../../src/experiment/load-experiment.js';
import { repoRoot } from '../fixtures/paths.js';

const root = repoRoot();
const schemaFile = join(root, 'schema/experiment.schema.json');
const experimentFiles = readdirSync(join(root, 'experiments')).filter((f) => f.endsWith('.json'));
const validate = new Ajv2020({ strict: false }).compile(experimentJsonSchema());

/** Whether zod (the loader) accepts an experiment. */
function zodAccepts(input: unknown): boolean {
  try {
    parseExperiment(input);
    return true;
  } catch {
    return false;
  }
}

describe('experiment JSON Schema (schema/experiment.schema.json)', () => {
  it('is the file the build wrote from the zod schema', () => {
    assert.deepEqual(JSON.parse(readFileSync(schemaFile, 'utf8')), experimentJsonSchema(), 'run `npm run build` to regenerate it');
  });

  it('is referenced by every experiment file, which it and the loader both accept', () => {
    assert.ok(experimentFiles.length >= 5);
    for (const file of experimentFiles) {
      const json = JSON.parse(readFileSync(join(root, 'experiments', file), 'utf8')) as Record<string, unknown>;
      assert.equal(json.$schema, '../schema/experiment.schema.json', `${file}: "$schema"`);
      assert.ok(validate(json), `${file}: ${JSON.stringify(validate.errors)}`);
      assert.ok(zodAccepts(json), file);
    }
  });

  it('agrees with the loader on bad input', () => {
    const good = { domain: 'symbolic', budget: { maxEvaluations: 10 } };
    const cases: Array<[string, unknown, boolean]> = [
      ['minimal', good, true],
      ['unknown field', { ...good, popSize: 3 }, false],
      ['unknown nested field', { ...good, cache: { enable: false } }, false],
      ['budget without a limit', { ...good, budget: { targetFitness: 1 } }, false],
      ['missing domain', { budget: good.budget }, false],
      ['fractional workers', { ...good, workers: 1.5 }, false],
      ['enum', { ...good, search: { algorithm: 'annealing' } }, false],
      ['range', { ...good, cache: { forgetProbability: 2 } }, false],
    ];
    for (const [label, input, expected] of cases) {
      assert.equal(validate(input), expected, `JSON Schema, ${label}`);
      assert.equal(zodAccepts(input), expected, `zod, ${label}`);
    }
  });

  it('describes fields and names no machine-specific default', () => {
    const schema = experimentJsonSchema() as { properties: Record<string, { description?: string; default?: unknown }> };
    assert.match(schema.properties.domain.description ?? '', /built-in domain/);
    assert.equal(schema.properties.workers.default, undefined);
  });
});
