/**
 * Faults around the run folder, in-process where that is faithful: torn and
 * corrupt lines (seeded damage of every kind), edited configs, foreign files,
 * links, --force, I/O errors, and folders whose config names code.
 */
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createRng } from '../../src/random/rng.js';
import { fixturePath } from '../fixtures/paths.js';
import { assertOneLine, cli } from './cli-harness.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'deja-folder-'));

function experimentFile(dir: string, extra: Record<string, unknown> = {}): string {
  const file = join(dir, 'experiment.json');
  writeFileSync(file, JSON.stringify({
    name: 'faults', domain: fixturePath('test-domain'), domainOptions: { size: 200, classes: 40 },
    search: { populationSize: 8, tournamentSize: 3 }, budget: { maxEvaluations: 30, maxProposals: 60 }, workers: 0, seed: 5, ...extra,
  }));
  return file;
}

const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');

/** Kinds of damage to one line in the middle of a log, each a wrong-shaped or unreadable event. */
const DAMAGE: Array<[string, (line: string, previous: string) => string]> = [
  ['garbage', () => 'garbage'],
  ['cut short', (l) => l.slice(0, Math.floor(l.length / 2))],
  ['empty object', () => '{}'],
  ['array', () => '[1,2,3]'],
  ['string fitness', (l) => l.replace(/"fitness":[^,]+/, '"fitness":"0.5"')],
  ['unknown outcome', (l) => l.replace(/"outcome":"[^"]+"/, '"outcome":"teleported"')],
  ['bad hash', (l) => l.replace(/"hash":"[0-9a-f]+"/, '"hash":"xyz"')],
  ['negative id', (l) => l.replace(/"id":\d+/, '"id":-4')],
  ['duplicate id', (l, previous) => l.replace(/"id":\d+/, `"id":${JSON.parse(previous).id}`)],
  ['missing cost', (l) => l.replace(/"cost":[^,]+,/, '')],
  ['deep candidate', (l) => l.replace(/"candidate":\{[^}]*\}/, `"candidate":${'['.repeat(400)}${']'.repeat(400)}`)],
  ['binary', () => '\u0000\u0001\u0002'],
];

describe('run folder faults', () => {
  it('torn last lines and corrupt middle lines, by seeded damage: resume refuses with the line, --repair drops it, stats counts the rest', async () => {
    const dir = tmp();
    const exp = experimentFile(dir);
    const base = join(dir, 'base');
    assert.equal((await cli('run', exp, '--out', base, '--no-progress', '--json')).code, 0);
    const total = lines(join(base, 'events.jsonl')).length;
    const rng = createRng(11, 'damage');
    let cases = 0;
    // Torn: the last line cut at a random byte, at several points.
    for (let k = 0; k < 4; k++) {
      const run = join(dir, `torn-${k}`);
      cpSync(base, run, { recursive: true });
      const events = join(run, 'events.jsonl');
      const text = readFileSync(events, 'utf8');
      const lastStart = text.lastIndexOf('\n', text.length - 2) + 1;
      writeFileSync(events, text.slice(0, lastStart + 1 + rng.int(text.length - lastStart - 2)));
      const stats = await cli('stats', run, '--json');
      assert.equal(stats.code, 0, stats.stderr);
      assert.equal(JSON.parse(stats.stdout).proposals, total - 1);
      assert.match(stats.stderr, /cut short by a crash; not counted/);
      const r = await cli('resume', run, '--no-progress', '--json', '--trust-domain', '--max-evals', '31');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`the last line \\(line ${total}\\) was cut short by a crash; dropped it`));
      for (const line of lines(events)) JSON.parse(line); // whole lines only
      cases++;
    }
    // Corrupt: one middle line damaged in each way.
    for (const [kind, damage] of DAMAGE) {
      const run = join(dir, `corrupt-${cases}`);
      cpSync(base, run, { recursive: true });
      const events = join(run, 'events.jsonl');
      const all = lines(events);
      const at = 2 + rng.int(all.length - 4);
      all[at] = damage(all[at], all[at - 1]);
      writeFileSync(events, all.join('\n') + '\n');
      assertOneLine(await cli('resume', run, '--no-progress', '--trust-domain', '--max-evals', '31'), 2, new RegExp(`line ${at + 1}: .*--repair`), kind);
      const stats = await cli('stats', run, '--json');
      assert.equal(stats.code, 0, `${kind}: ${stats.stderr}`);
      assert.equal(JSON.parse(stats.stdout).proposals, total - 1, kind);
      const repaired = await cli('resume', run, '--no-progress', '--json', '--trust-domain', '--repair', '--max-evals', '31');
      assert.equal(repaired.code, 0, `${kind}: ${repaired.stderr}`);
      assert.match(repaired.stderr, new RegExp(`dropped 1 bad line \\(--repair; first: line ${at + 1}`), kind);
      const after = lines(events).map((l) => JSON.parse(l) as { id: number });
      assert.equal(new Set(after.map((e) => e.id)).size, after.length, `${kind}: ids stay unique`);
      cases++;
    }
    assert.equal(cases, 4 + DAMAGE.length);
  });

  it('refuses edited or unreadable config.json, foreign files, links; --force clears the old run', async () => {
    const dir = tmp();
    const exp = experimentFile(dir);
    const run = join(dir, 'run');
    assert.equal((await cli('run', exp, '--out', run, '--no-progress', '--json')).code, 0);
    const edit = (name: string, change: (text: string) => string) => {
      const copy = join(dir, name);
      cpSync(run, copy, { recursive: true });
      writeFileSync(join(copy, 'config.json'), change(readFileSync(join(copy, 'config.json'), 'utf8')));
      return copy;
    };
    const resume = (folder: string) => cli('resume', folder, '--no-progress', '--trust-domain', '--max-evals', '40');
    assertOneLine(await resume(edit('seed', (t) => t.replace('"seed": 5', '"seed": 6'))), 2, /edited after the run started/);
    assertOneLine(await resume(edit('bits', (t) => t.replace('"mantissaBits": 24', '"mantissaBits": 10'))), 2, /edited after the run started/);
    assertOneLine(await resume(edit('garbled', (t) => t.slice(0, 40))), 2, /config\.json: not valid JSON/);
    assertOneLine(await resume(edit('array', () => '[]')), 2, /expected the JSON object deja wrote/);
    // Whitespace and key order are not edits.
    const pretty = edit('pretty', (t) => JSON.stringify(JSON.parse(t)));
    assert.equal((await cli('resume', pretty, '--no-progress', '--json', '--trust-domain', '--max-evals', '31')).code, 0);

    const foreign = join(dir, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'config.json'), '{"mine": true}');
    writeFileSync(join(foreign, 'notes.txt'), 'keep me');
    assertOneLine(await cli('run', exp, '--out', foreign, '--no-progress'), 2, /holds files deja did not write \("notes\.txt"\)/);
    assertOneLine(await cli('run', exp, '--out', foreign, '--no-progress', '--force'), 2, /holds files deja did not write/);
    assert.equal(readFileSync(join(foreign, 'config.json'), 'utf8'), '{"mine": true}');

    const linked = join(dir, 'linked');
    mkdirSync(linked);
    writeFileSync(join(dir, 'precious.json'), 'precious');
    symlinkSync(join(dir, 'precious.json'), join(linked, 'summary.json'));
    assertOneLine(await cli('run', exp, '--out', linked, '--no-progress', '--force'), 2, /symbolic link/);
    assert.equal(readFileSync(join(dir, 'precious.json'), 'utf8'), 'precious');

    assertOneLine(await cli('run', exp, '--out', run, '--no-progress'), 2, /already holds a run.*--force/);
    writeFileSync(join(run, 'checkpoint.json'), '{"stale": true}');
    const forced = await cli('run', exp, '--out', run, '--no-progress', '--json', '--force', '--max-evals', '3');
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(existsSync(join(run, 'checkpoint.json')), false, '--force removes the old run files');
    assert.equal(JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')).evaluations, 3);
  });

  it('I/O failures are one line with exit code 3', async () => {
    const dir = tmp();
    const exp = experimentFile(dir);
    writeFileSync(join(dir, 'file'), '');
    const cases: Array<[string, RegExp]> = [
      [join(dir, 'file', 'run'), /not a folder.*ENOTDIR/],
      [join(dir, 'x'.repeat(300)), /path is too long.*ENAMETOOLONG/],
      ['/proc/deja-cannot-write-here/run', /ENOENT|EACCES|EPERM|EROFS/],
    ];
    for (const [out, pattern] of cases) {
      const r = await cli('run', exp, '--out', out, '--no-progress');
      assertOneLine(r, 3, pattern, out);
    }
    // A corrupt summary.json does not stop stats.
    const run = join(dir, 'run');
    assert.equal((await cli('run', exp, '--out', run, '--no-progress', '--json')).code, 0);
    appendFileSync(join(run, 'summary.json'), '}}garbage');
    const stats = await cli('stats', run);
    assert.equal(stats.code, 0, stats.stderr);
    assert.match(stats.stderr, /not a summary deja wrote; ignoring it/);
  });

  it('stats and resume do not run code a run folder names unless asked', async () => {
    const dir = tmp();
    const marker = join(dir, 'code-ran');
    const domain = join(dir, 'marking-domain.mjs');
    // Importing this module leaves a marker: the proof that its code ran.
    writeFileSync(domain, `import { writeFileSync } from 'node:fs';
      writeFileSync(${JSON.stringify(marker)}, 'ran');
      export { default } from ${JSON.stringify(fixturePath('test-domain'))};`);
    const exp = experimentFile(dir, { domain });
    const run = join(dir, 'run');
    assert.equal((await cli('run', exp, '--out', run, '--no-progress', '--json')).code, 0);
    // (The run itself imported the module in this process; remove the marker and check again.)
    const { rmSync } = await import('node:fs');
    rmSync(marker);
    const stats = await cli('stats', run);
    assert.equal(stats.code, 0, stats.stderr);
    assert.match(stats.stderr, /pass --trust-domain/);
    assertOneLine(await cli('resume', run, '--no-progress'), 2, /names domain code .*--trust-domain/);
    assert.equal(existsSync(marker), false, 'no code from the folder ran');
  });
});
