/**
 * The `forward` functional probe: run a cell's plan on a fixed seeded batch
 * with weights that depend only on each vertex's functional position, and
 * return the logits of a fixed seeded linear head.
 *
 * Pure TypeScript float64 arithmetic rather than tfjs: a probe is a few
 * hundred thousand multiply-adds on a 2x5x5 batch, where tfjs would spend more
 * on kernel dispatch and tensor bookkeeping than on arithmetic, and JS doubles
 * with a fixed loop order are bit-reproducible on every host and backend
 * (tfjs results can differ between cpu, wasm and GPU backends).
 */
import { createRng } from '../../random/rng.js';
import type { Cell } from './cell.js';
import { planCell, type CellPlan } from './cell-plan.js';

export interface ForwardProbeConfig {
  /** Probe batch size. */
  batch: number;
  /** Height and width of the probe images. */
  size: number;
  /** Channels entering the cell. */
  inputChannels: number;
  /** Channels leaving the cell (split among the vertices feeding the output). */
  outputChannels: number;
  /** Number of logits per example. */
  classes: number;
  seed: number;
}

export const DEFAULT_FORWARD_PROBE: ForwardProbeConfig = {
  batch: 2,
  size: 5,
  inputChannels: 4,
  outputChannels: 8,
  classes: 10,
  seed: 101,
};

/** Batch-norm epsilon shared with the trained network (NAS-Bench-101 uses 1e-5). */
export const BN_EPSILON = 1e-5;

export function forwardProbeKey(config: ForwardProbeConfig): string {
  return `forward:b${config.batch}s${config.size}i${config.inputChannels}o${config.outputChannels}k${config.classes}seed${config.seed}`;
}

/** An NHWC activation with its channel count (spatial shape is fixed per probe). */
interface Activation {
  data: Float64Array;
  channels: number;
}

function heNormal(seed: number, labels: Array<string | number>, count: number, fanIn: number): Float64Array {
  const rng = createRng(seed, ...labels);
  const scale = Math.sqrt(2 / fanIn);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = rng.normal() * scale;
  return out;
}

/** Same-padded stride-1 convolution, no bias; weights laid out [kh][kw][cin][cout]. */
function conv(x: Activation, weights: Float64Array, kernel: number, cout: number, pixels: number, size: number): Activation {
  const cin = x.channels;
  const out = new Float64Array(pixels * size * size * cout);
  const half = (kernel - 1) >> 1;
  for (let n = 0; n < pixels; n++) {
    for (let h = 0; h < size; h++) {
      for (let w = 0; w < size; w++) {
        const o = ((n * size + h) * size + w) * cout;
        for (let kh = 0; kh < kernel; kh++) {
          const ih = h + kh - half;
          if (ih < 0 || ih >= size) continue;
          for (let kw = 0; kw < kernel; kw++) {
            const iw = w + kw - half;
            if (iw < 0 || iw >= size) continue;
            const i = ((n * size + ih) * size + iw) * cin;
            const wBase = (kh * kernel + kw) * cin * cout;
            for (let ci = 0; ci < cin; ci++) {
              const xv = x.data[i + ci];
              if (xv === 0) continue;
              const wRow = wBase + ci * cout;
              for (let co = 0; co < cout; co++) out[o + co] += xv * weights[wRow + co];
            }
          }
        }
      }
    }
  }
  return { data: out, channels: cout };
}

/** Training-mode batch norm (batch statistics, unit scale, zero shift) followed by ReLU, in place. */
function batchNormRelu(y: Activation): Activation {
  const c = y.channels;
  const count = y.data.length / c;
  for (let ch = 0; ch < c; ch++) {
    let mean = 0;
    for (let i = ch; i < y.data.length; i += c) mean += y.data[i];
    mean /= count;
    let variance = 0;
    for (let i = ch; i < y.data.length; i += c) variance += (y.data[i] - mean) ** 2;
    variance /= count;
    const inv = 1 / Math.sqrt(variance + BN_EPSILON);
    for (let i = ch; i < y.data.length; i += c) {
      const v = (y.data[i] - mean) * inv;
      y.data[i] = v > 0 ? v : 0;
    }
  }
  return y;
}

function maxPool3x3(x: Activation, batch: number, size: number): Activation {
  const c = x.channels;
  const out = new Float64Array(x.data.length);
  for (let n = 0; n < batch; n++) {
    for (let h = 0; h < size; h++) {
      for (let w = 0; w < size; w++) {
        const o = ((n * size + h) * size + w) * c;
        for (let ch = 0; ch < c; ch++) {
          let m = -Infinity;
          for (let ih = Math.max(0, h - 1); ih <= Math.min(size - 1, h + 1); ih++) {
            for (let iw = Math.max(0, w - 1); iw <= Math.min(size - 1, w + 1); iw++) {
              const v = x.data[((n * size + ih) * size + iw) * c + ch];
              if (v > m) m = v;
            }
          }
          out[o + ch] = m;
        }
      }
    }
  }
  return { data: out, channels: c };
}

/** The first `channels` channels (NAS-Bench-101 truncates wider inputs). */
function truncate(x: Activation, channels: number): Activation {
  if (x.channels === channels) return x;
  const pixels = x.data.length / x.channels;
  const out = new Float64Array(pixels * channels);
  for (let p = 0; p < pixels; p++) for (let ch = 0; ch < channels; ch++) out[p * channels + ch] = x.data[p * x.channels + ch];
  return { data: out, channels };
}

function addInto(target: Float64Array, source: Float64Array): void {
  for (let i = 0; i < target.length; i++) target[i] += source[i];
}

function concat(parts: Activation[], pixels: number): Activation {
  const channels = parts.reduce((sum, p) => sum + p.channels, 0);
  const out = new Float64Array(pixels * channels);
  for (let p = 0; p < pixels; p++) {
    let offset = 0;
    for (const part of parts) {
      for (let ch = 0; ch < part.channels; ch++) out[p * channels + offset + ch] = part.data[p * part.channels + ch];
      offset += part.channels;
    }
  }
  return { data: out, channels };
}

/** The probe batch: seeded standard normals, shape [batch, size, size, inputChannels]. */
export function probeBatch(config: ForwardProbeConfig): Float64Array {
  const rng = createRng(config.seed, 'probe-batch');
  const out = new Float64Array(config.batch * config.size * config.size * config.inputChannels);
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  return out;
}

/** Runs a plan on the probe batch; returns the flattened logits [batch * classes]. */
export function runForwardProbe(plan: CellPlan, config: ForwardProbeConfig, input: Float64Array = probeBatch(config)): Float64Array {
  const { batch, size, seed } = config;
  const pixels = batch * size * size;
  const x: Activation = { data: input, channels: config.inputChannels };
  const weightsFor = (position: string, twin: number, role: string, count: number, fanIn: number): Float64Array =>
    heNormal(seed, [position, twin, role, count], count, fanIn);
  const project = (position: string, twin: number, channels: number): Activation =>
    batchNormRelu(conv(x, weightsFor(position, twin, 'projection', x.channels * channels, x.channels), 1, channels, batch, size));

  const outputs: Activation[] = [x];
  const last = plan.vertices.length - 1;
  for (const vertex of plan.vertices.slice(1, last)) {
    const sum = new Float64Array(pixels * vertex.channels);
    for (const from of vertex.inputs) {
      const term = from === 0 ? project(vertex.position, vertex.twin, vertex.channels) : truncate(outputs[from], vertex.channels);
      addInto(sum, term.data);
    }
    const summed: Activation = { data: sum, channels: vertex.channels };
    let result: Activation;
    if (vertex.op === 'maxpool3x3') {
      result = maxPool3x3(summed, batch, size);
    } else {
      const kernel = vertex.op === 'conv3x3-bn-relu' ? 3 : 1;
      const w = weightsFor(vertex.position, vertex.twin, 'conv', kernel * kernel * vertex.channels * vertex.channels, kernel * kernel * vertex.channels);
      result = batchNormRelu(conv(summed, w, kernel, vertex.channels, batch, size));
    }
    outputs.push(result);
  }
  const out = plan.vertices[last];
  const interior = out.inputs.filter((from) => from !== 0).map((from) => outputs[from]);
  let cellOut: Activation;
  if (interior.length === 0) {
    cellOut = project(out.position, out.twin, out.channels);
  } else {
    cellOut = concat(interior, pixels);
    if (out.inputs.includes(0)) addInto(cellOut.data, project(out.position, out.twin, out.channels).data);
  }
  // Fixed linear head on the flattened cell output: keeps spatial detail that pooling would average away.
  const features = size * size * cellOut.channels;
  const head = heNormal(seed, ['head', features, config.classes], features * config.classes, features);
  const logits = new Float64Array(batch * config.classes);
  for (let n = 0; n < batch; n++) {
    for (let f = 0; f < features; f++) {
      const v = cellOut.data[n * features + f];
      if (v === 0) continue;
      for (let k = 0; k < config.classes; k++) logits[n * config.classes + k] += v * head[f * config.classes + k];
    }
  }
  return logits;
}

/** Probe outputs of a valid cell (pruned, canonicalised, then run). */
export function forwardProbe(cell: Cell, config: ForwardProbeConfig = DEFAULT_FORWARD_PROBE): Float64Array {
  return runForwardProbe(planCell(cell, config.inputChannels, config.outputChannels), config);
}
