import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cliReference, sampleSummaryBlock, section } from '../../scripts/readme-sections.js';
import { buildProgram } from '../../src/cli/main.js';
import type { RunSummary } from '../../src/record/summary.js';
import { repoRoot } from '../fixtures/paths.js';

const root = repoRoot();
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('README.md', () => {
  it('lists every command and flag of the program (regenerate with `npm run readme -- --render-only`)', () => {
    assert.equal(section(readme, 'cli-reference'), cliReference(buildProgram()));
    for (const flag of ['--no-progress', '--json', '--force', '--backend', '--top', '--options', '--mantissa-bits', '--no-functional', '--max-failed-share', '--verbose']) {
      assert.ok(readme.includes(`\`${flag}`), flag);
    }
  });

  it("shows the summary deja prints for the sample run's summary.json (regenerate with `npm run readme`)", () => {
    const summary = JSON.parse(readFileSync(join(root, 'docs/sample-summary.json'), 'utf8')) as RunSummary;
    assert.equal(summary.name, 'feynman-I.6.2a');
    assert.equal(section(readme, 'sample-summary'), sampleSummaryBlock(summary));
  });
});
