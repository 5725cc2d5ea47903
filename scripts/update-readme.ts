/**
 * `npm run readme`: runs the README's sample search for real (the experiment
 * `npm start` runs, seed 1, no progress line), keeps its summary in
 * docs/sample-summary.json, and rewrites README.md's generated sections.
 * `npm run readme -- --render-only` re-renders from the kept summary.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProgram } from '../src/cli/main.js';
import type { RunSummary } from '../src/record/summary.js';
import { cliReference, replaceSection, sampleSummaryBlock } from './readme-sections.js';

// Compiled to dist/scripts/, two levels below the repository root.
const root = fileURLToPath(new URL('../../', import.meta.url));
const summaryFile = join(root, 'docs/sample-summary.json');

function runSample(): RunSummary {
  const tmp = mkdtempSync(join(tmpdir(), 'deja-readme-'));
  const out = join(tmp, 'run');
  const args = ['bin/deja.js', 'run', 'experiments/feynman-I.6.2a.json', '--seed', '1', '--no-progress', '--out', out];
  const run = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.status !== 0) throw new Error(`sample run failed (exit ${run.status})`);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
  rmSync(tmp, { recursive: true, force: true });
  return summary;
}

const summary = process.argv.includes('--render-only') ? (JSON.parse(readFileSync(summaryFile, 'utf8')) as RunSummary) : runSample();
writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
const readme = join(root, 'README.md');
let text = readFileSync(readme, 'utf8');
text = replaceSection(text, 'sample-summary', sampleSummaryBlock(summary));
text = replaceSection(text, 'cli-reference', cliReference(buildProgram()));
writeFileSync(readme, text);
process.stdout.write(`README.md: sample summary (${summary.evaluations} evaluations, ${summary.wallSeconds.toFixed(1)} s) and command-line reference written\n`);
