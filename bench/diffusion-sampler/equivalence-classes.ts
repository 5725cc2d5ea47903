/**
 * The largest functional-equivalence classes a run's cache found: groups the
 * proposals in events.jsonl by hash and prints, for the biggest classes, the
 * number of proposals, of distinct candidates, and two differently written
 * members.
 *
 *   node --import tsx bench/diffusion-sampler/equivalence-classes.ts runs/ds-ring-nfe10 [top]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SamplerCandidate } from '../../src/evaluators/diffusion-sampler/candidate.js';
import { describeCandidate } from '../../src/evaluators/diffusion-sampler/candidate.js';

interface Event {
  hash?: string;
  fitness?: number;
  candidate?: SamplerCandidate;
}

const dir = process.argv[2];
const top = Number(process.argv[3] ?? 5);
if (!dir) throw new Error('usage: equivalence-classes.ts <run dir> [top]');
const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { domainOptions?: { sigmaMax?: number; sigmaMin?: number } };
const range = { sigmaMax: config.domainOptions?.sigmaMax ?? 80, sigmaMin: config.domainOptions?.sigmaMin ?? 0.002 };
const classes = new Map<string, { proposals: number; fitness: number; members: Map<string, SamplerCandidate> }>();
const seenText = new Set<string>();
let repeatsOfText = 0;
let functionalOnly = 0;
for (const line of readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const e = JSON.parse(line) as Event;
  if (!e.hash || !e.candidate) continue;
  const text = JSON.stringify(e.candidate);
  if (seenText.has(text)) repeatsOfText++;
  else if (classes.has(e.hash)) functionalOnly++;
  seenText.add(text);
  const entry = classes.get(e.hash) ?? { proposals: 0, fitness: e.fitness ?? NaN, members: new Map() };
  entry.proposals++;
  entry.members.set(JSON.stringify(e.candidate), e.candidate);
  classes.set(e.hash, entry);
}
const multi = [...classes.values()].filter((c) => c.members.size > 1);
const proposals = [...classes.values()].reduce((a, c) => a + c.proposals, 0);
console.log(`${dir}: ${proposals} proposals, ${classes.size} hashes, ${multi.length} with more than one distinct candidate`);
console.log(`repeats a string-keyed cache also catches: ${repeatsOfText}; new candidate text but known hash (only the functional hash catches): ${functionalOnly}`);
const ranked = [...classes.entries()].sort((a, b) => b[1].members.size - a[1].members.size || b[1].proposals - a[1].proposals);
for (const [hash, c] of ranked.slice(0, top)) {
  const members = [...c.members.values()];
  const described = [...new Set(members.map((m) => describeCandidate(m, range)))];
  console.log(`\n${hash}: ${c.members.size} distinct candidates, ${c.proposals} proposals, fitness ${c.fitness.toPrecision(4)}`);
  for (const d of described.slice(0, 2)) console.log(`  - ${d}`);
  if (described.length < 2 && members.length > 1) console.log(`  - ${JSON.stringify(members[1])}`);
}
