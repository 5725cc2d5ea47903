/**
 * The package as npm would publish it: its contents, publint and
 * @arethetypeswrong/cli (offline, on the packed tarball).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { repoRoot } from '../fixtures/paths.js';

const root = repoRoot();
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const out = mkdtempSync(join(tmpdir(), 'deja-pack-'));
// --ignore-scripts: the build already ran (pretest); prepare would rebuild while tests read dist/.
const [packed] = JSON.parse(execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', out], { cwd: root, encoding: 'utf8' })) as Array<{
  filename: string;
  entryCount: number;
  files: Array<{ path: string }>;
}>;
const tarball = join(out, packed.filename);
const files = new Set(packed.files.map((f) => f.path));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;

describe('the npm package', () => {
  after(() => rmSync(out, { recursive: true, force: true }));

  it('ships the library, CLI, schema, docs and license, and nothing of tests, benchmarks or scripts', () => {
    for (const file of ['package.json', 'README.md', 'LICENSE', 'bin/deja.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'schema/experiment.schema.json', 'docs/DOMAINS.md', 'experiments/feynman-I.6.2a.json']) {
      assert.ok(files.has(file), `${file} is packed`);
    }
    for (const file of files) assert.doesNotMatch(file, /^(dist\/)?(test|bench|scripts)\//, `${file} should not be packed`);
    assert.match(readFileSync(join(root, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
    assert.equal(pkg.license, 'Apache-2.0');
    assert.ok(packed.entryCount < 1000, `${packed.entryCount} files: is something packed that should not be?`);
  });

  it('ships every source a source map points to', () => {
    const maps = [...files].filter((f) => f.endsWith('.js.map'));
    assert.ok(maps.length > 50);
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(root, map), 'utf8')) as { sources: string[] };
      for (const source of sources) {
        const target = join(map, '..', source).replaceAll('\\', '/');
        assert.ok(files.has(target), `${map} points to ${target}, which is not packed`);
      }
    }
  });

  it('keeps TensorFlow.js, MNIST and WebGPU optional (peer dependencies, installed here as dev dependencies)', () => {
    const peers = pkg.peerDependencies as Record<string, string>;
    const meta = pkg.peerDependenciesMeta as Record<string, { optional?: boolean }>;
    const dependencies = pkg.dependencies as Record<string, string>;
    for (const name of ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'mnist', 'webgpu', '@tensorflow/tfjs-backend-webgpu']) {
      assert.ok(peers[name], `${name} is a peer dependency`);
      assert.equal(meta[name]?.optional, true, `${name} is optional`);
      assert.equal(dependencies[name], undefined, `${name} is not a dependency`);
      assert.ok((pkg.devDependencies as Record<string, string>)[name], `${name} is installed in the repository`);
    }
  });

  it('passes publint (strict)', async () => {
    const tar = readFileSync(tarball);
    const { messages } = await publint({ pack: { tarball: tar.buffer.slice(tar.byteOffset, tar.byteOffset + tar.byteLength) as ArrayBuffer }, strict: true, level: 'suggestion' });
    assert.deepEqual(messages.map((m) => `${m.type}: ${formatMessage(m, pkg)}`), []);
  });

  it('passes @arethetypeswrong/cli (ESM-only profile: deja has no CommonJS build)', () => {
    const cli = join(root, 'node_modules/@arethetypeswrong/cli/dist/index.js');
    const r = spawnSync(process.execPath, [cli, tarball, '--profile', 'esm-only', '--no-definitely-typed', '--format', 'ascii', '--no-color', '--no-emoji'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});
