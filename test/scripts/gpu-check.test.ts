import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../fixtures/paths.js';

test('gpu-check reports the WebGPU adapter or why there is none, times wasm, and exits 0', () => {
  const script = join(repoRoot(), 'dist/scripts/gpu-check.js');
  // Tiny sizes: this checks the script, not the machine.
  const r = spawnSync(process.execPath, [script, '--size', '64', '--batch', '4', '--stem', '4'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^WebGPU( adapter: .+|: none here: .+)$/m);
  assert.match(r.stdout, /^wasm {4}matmul 64x64 [\d.]+ ms; nas-cell training step \(batch 4, stem 4\) [\d.]+ ms$/m);
  assert.match(r.stdout, /no GPU to compare with|ratio wasm\/webgpu: matmul [\d.]+x, training step [\d.]+x/);
});
