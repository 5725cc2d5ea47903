/** Domain references to checked domains: built-in names, module paths (JavaScript or TypeScript), and every way a module can fail. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_DOMAINS, findBuiltinDomain } from '../../src/domain/builtin.js';
import { DomainInputError } from '../../src/domain/domain.js';
import { loadDomain, looksLikeModulePath, resolveDomainSpec } from '../../src/domain/load-domain.js';
import { fixturePath } from '../fixtures/paths.js';

const BUILTIN_NAMES = ['symbolic', 'nas-cell', 'diffusion-sampler', 'discrete-sampler', 'automl-zero'];
const DOMAIN_BODY = `{ name: 'tmp', version: '1', description: 'tmp', random: () => 0, mutate: (c) => c, probe: (c) => [c], evaluate: (c) => ({ fitness: c }), describe: String }`;

/** Asserts a DomainInputError whose message is exactly `message`. */
async function rejectsInput(promise: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.ok(error instanceof DomainInputError, `not a DomainInputError: ${error}`);
    assert.equal(error.message, message);
    return true;
  });
}

describe('domain references', () => {
  it('tells module paths from names', () => {
    for (const spec of ['a/b', 'a\\b', './d', 'd.js', 'd.mjs', 'd.cjs', 'd.ts', 'd.mts']) assert.equal(looksLikeModulePath(spec), true, spec);
    for (const spec of ['symbolic', 'my-domain', 'd.json', 'djs', 'd.cts', 'd.jsx', 'd.js.bak']) assert.equal(looksLikeModulePath(spec), false, spec);
  });

  it('keeps built-in names and absolute paths, resolves relative paths against the experiment folder', () => {
    for (const name of BUILTIN_NAMES) assert.equal(resolveDomainSpec(name, '/base'), name);
    assert.equal(resolveDomainSpec('/abs/d.js', '/base'), '/abs/d.js');
    assert.equal(resolveDomainSpec('./sub/d.ts', '/base'), '/base/sub/d.ts');
    assert.equal(resolveDomainSpec('d.mjs', '/base'), '/base/d.mjs');
  });

  it('names the built-in domains when a name is unknown', () => {
    assert.throws(
      () => resolveDomainSpec('symbolc', '/base'),
      (error: Error) =>
        error instanceof DomainInputError &&
        error.message ===
          'domain: unknown domain "symbolc"; built-in domains are symbolic, nas-cell, diffusion-sampler, discrete-sampler, automl-zero, or give a path to a .js/.ts module that exports a domain',
    );
  });

  it('lists each built-in domain once, by name, with a one-line description', () => {
    assert.deepEqual(
      BUILTIN_DOMAINS.map((d) => d.name),
      BUILTIN_NAMES,
    );
    for (const name of BUILTIN_NAMES) assert.equal(findBuiltinDomain(name)?.name, name);
    assert.equal(findBuiltinDomain('nope'), undefined);
    for (const d of BUILTIN_DOMAINS) assert.match(d.description, /^[A-Z].{30,}\.$/, d.name);
  });
});

describe('loadDomain', () => {
  let dir = '';
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'deja-load-domain-'));
    // As in a user's ESM project: without it, Node treats a .ts file there as CommonJS.
    writeFileSync(join(dir, 'package.json'), '{"type": "module"}');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('calls a factory with the options', async () => {
    const domain = await loadDomain({ spec: fixturePath('test-domain'), options: { classes: 7 } });
    assert.equal(domain.name, 'test-domain');
    assert.equal(domain.probeKey, 'classes=7');
  });

  it('takes a default-exported domain object, or a named `domain` export', async () => {
    assert.equal((await loadDomain({ spec: file('object.mjs', `export default ${DOMAIN_BODY};`), options: {} })).name, 'tmp');
    assert.equal((await loadDomain({ spec: file('named.mjs', `export const domain = ${DOMAIN_BODY};`), options: {} })).version, '1');
    const both = file('both.mjs', `export default { ...${DOMAIN_BODY}, name: 'default' }; export const domain = ${DOMAIN_BODY};`);
    assert.equal((await loadDomain({ spec: both, options: {} })).name, 'default');
  });

  it('loads TypeScript modules (twice, through one loader registration)', async () => {
    const spec = file('typed.ts', `const n: number = 2;\nexport default (options: Record<string, unknown>) => ({ ...${DOMAIN_BODY}, name: 'typed' + n + String(options.tag) });`);
    assert.equal((await loadDomain({ spec, options: { tag: 'a' } })).name, 'typed2a');
    const again = file('again.mts', `export default (options: Record<string, unknown>) => ({ ...${DOMAIN_BODY}, name: 'again' as string });`);
    assert.equal((await loadDomain({ spec: again, options: {} })).name, 'again');
  });

  it('loads a TypeScript module from a folder whose package.json is not "type": "module"', async () => {
    // Node reads a .ts file there as CommonJS: tsx's CommonJS loader must be registered too.
    const plain = mkdtempSync(join(tmpdir(), 'deja-load-domain-cjs-'));
    try {
      writeFileSync(join(plain, 'package.json'), '{"name": "user-project"}');
      const spec = join(plain, 'plain.ts');
      writeFileSync(spec, `const n: number = 3;\nexport default (options: Record<string, unknown>) => ({ ...${DOMAIN_BODY}, name: 'plain' + n + String(options.tag) });`);
      assert.equal((await loadDomain({ spec, options: { tag: 'b' } })).name, 'plain3b');
      // A named `domain` export works there too.
      const named = join(plain, 'named.ts');
      writeFileSync(named, `export const domain = { ...${DOMAIN_BODY}, name: 'named' as string };`);
      assert.equal((await loadDomain({ spec: named, options: {} })).name, 'named');
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });

  it('loads a built-in domain by name', async () => {
    const domain = await loadDomain({ spec: 'symbolic', options: {} });
    assert.equal(domain.name, 'symbolic');
  });

  it('says in one line why a module gives no domain', async () => {
    const none = file('none.mjs', 'export const other = 1;');
    await rejectsInput(
      loadDomain({ spec: none, options: {} }),
      `domain: module ${none} has no default export; export a domain (defineDomain({...})) or a factory (options) => domain`,
    );
    const missing = join(dir, 'missing.mjs');
    await assert.rejects(loadDomain({ spec: missing, options: {} }), (error: Error) => {
      assert.ok(error instanceof DomainInputError);
      assert.match(error.message, new RegExp(`^domain: cannot load module ${missing}: \\S`));
      assert.doesNotMatch(error.message, /\n/);
      return true;
    });
    const thrower = file('thrower.mjs', `export default () => { throw new Error('no GPU here\\n    at somewhere'); };`);
    await rejectsInput(loadDomain({ spec: thrower, options: {} }), `domain: the factory of ${thrower} failed: no GPU here`);
    const stringThrower = file('string-thrower.mjs', `export default async () => { throw 'plain text'; };`);
    await rejectsInput(loadDomain({ spec: stringThrower, options: {} }), `domain: the factory of ${stringThrower} failed: plain text`);
    const refuser = file('refuser.mjs', `export default () => { const e = new Error('domainOptions.size: too big'); e.name = 'X'; throw e; };`);
    await rejectsInput(loadDomain({ spec: refuser, options: {} }), `domain: the factory of ${refuser} failed: domainOptions.size: too big`);
    await rejectsInput(loadDomain({ spec: file('shape.mjs', `export default { ...${DOMAIN_BODY}, version: '' };`), options: {} }), 'domain "tmp": version: expected a non-empty string such as "1"');
  });

  it("passes a factory's own DomainInputError through unchanged", async () => {
    const domainModule = new URL('../../src/domain/domain.js', import.meta.url).href;
    const spec = file('input-error.mjs', `import { DomainInputError } from '${domainModule}';\nexport default () => { throw new DomainInputError('domainOptions.size: expected at most 9'); };`);
    await rejectsInput(loadDomain({ spec, options: {} }), 'domainOptions.size: expected at most 9');
  });
});
