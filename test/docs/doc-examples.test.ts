import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadDomain } from '../../src/domain/load-domain.js';
import { createFunctionalHasher } from '../../src/hash/functional-hash.js';
import { runSearch } from '../../src/search/run-search.js';
import { repoRoot } from '../fixtures/paths.js';

const root = repoRoot();
// Inside the package, so `import ... from 'deja'` resolves to this checkout (package self-reference).
const out = join(root, 'dist/doc-examples');

/** The ```ts blocks of a markdown file, in order. */
function tsBlocks(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

describe('documentation examples', () => {
  const files: string[] = [];
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const doc of ['docs/DOMAINS.md', 'README.md']) {
    tsBlocks(doc).forEach((code, i) => {
      const file = join(out, `${doc.replace(/\W+/g, '-')}-${i}.ts`);
      writeFileSync(file, code);
      files.push(file);
    });
  }

  it('type-check as pasted (every ts block of docs/DOMAINS.md and README.md)', () => {
    assert.ok(files.length >= 3, `found ${files.length} blocks`);
    const tsconfig = {
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: ['node'], strict: true, noEmit: true, skipLibCheck: true },
      files,
    };
    writeFileSync(join(out, 'tsconfig.json'), JSON.stringify(tsconfig));
    try {
      execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(out, 'tsconfig.json')], { encoding: 'utf8' });
    } catch (error) {
      assert.fail(`doc examples do not compile:\n${(error as { stdout?: string }).stdout}`);
    }
  });

  it('the polynomial domain of docs/DOMAINS.md runs, and equal polynomials share a hash', async () => {
    const domain = await loadDomain({ spec: files[0], options: { maxPower: 3 } });
    assert.equal(domain.name, 'polynomial');
    const hashOf = (await createFunctionalHasher()).forKey({ domain: domain.name, version: domain.version, probeKey: domain.probeKey });
    const hash = async (text: string) => hashOf(await domain.probe(domain.parse!(text)));
    assert.equal(await hash('{"terms": [{"c": 1, "p": 2}, {"c": 2, "p": 2}]}'), await hash('{"terms": [{"c": 3, "p": 2}]}'));
    assert.notEqual(await hash('{"terms": [{"c": 3, "p": 2}]}'), await hash('{"terms": [{"c": 3, "p": 1}]}'));
    await assert.rejects(loadDomain({ spec: files[0], options: { maxTerms: 0 } }), /domainOptions\.maxTerms: expected a whole number >= 1/);
    const summary = await runSearch({ domain: files[0], domainOptions: { maxPower: 2 }, budget: { maxEvaluations: 300, targetFitness: 0 }, workers: 0, seed: 1 });
    assert.equal(summary.failed, 0);
    assert.ok(summary.cache.fullHits > 0, 'some proposals repeat a function');
    assert.ok(summary.best !== null && summary.best.fitness > -1, `best ${summary.best?.fitness}`);
  });
});
