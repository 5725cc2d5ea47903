import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadDomain } from '../../src/domain/load-domain.js';
import { renderCell } from '../../src/evaluators/nas-cell/render-cell.js';
import { createRng } from '../../src/random/rng.js';

let renders: Promise<Record<string, string>> | undefined;

/**
 * The candidate renders the built-in domains give reports; each must be self-contained markup.
 * nas-cell's is called directly: loading that domain loads TensorFlow.js (seconds).
 */
export function builtinRenders(): Promise<Record<string, string>> {
  return (renders ??= makeRenders());
}

async function makeRenders(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  out['nas-cell'] = renderCell({
    matrix: [[0, 1, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 1, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]],
    ops: ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'conv1x1-bn-relu', 'output'],
  });
  const sampler = await loadDomain({ spec: 'diffusion-sampler', options: {} });
  out['diffusion-sampler'] = sampler.render!({ solver: 'dpmpp-2m', schedule: { kind: 'edm', rho: 7 }, steps: 8 });
  const azero = await loadDomain({ spec: 'automl-zero', options: {} });
  out['automl-zero'] = azero.render!(azero.random(createRng(3, 'render')));
  return out;
}

describe('domain render hooks', () => {
  it('nas-cell draws each vertex of the pruned cell and each edge', async () => {
    const { 'nas-cell': svg } = await builtinRenders();
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal(svg.match(/<rect /g)?.length, 5);
    assert.equal(svg.match(/marker-end=/g)?.length, 6);
    for (const label of ['in', 'conv3x3', 'maxpool', 'conv1x1', 'out']) assert.ok(svg.includes(`>${label}</text>`), label);
    assert.doesNotMatch(svg, /<script|href=/);
  });

  it('diffusion-sampler plots one point per sigma of the schedule', async () => {
    const { 'diffusion-sampler': svg } = await builtinRenders();
    assert.match(svg, /^<svg /);
    assert.equal(svg.match(/<circle /g)?.length, 9); // 8 steps walk 9 sigmas
    assert.match(svg, /dpmpp-2m/);
  });

  it('automl-zero prints the live program, escaped', async () => {
    const { 'automl-zero': html } = await builtinRenders();
    assert.match(html, /^<pre class="program">def Setup\(\):/);
    assert.match(html, /live instructions: setup \d+\/\d+, predict \d+\/\d+, learn \d+\/\d+/);
    assert.doesNotMatch(html.replace(/<\/?(pre|small)[^>]*>/g, ''), /[<>]/);
  });
});
