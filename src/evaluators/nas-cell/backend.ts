/**
 * Run-time choice of the TensorFlow.js backend.
 *
 * `auto` tries, in order: @tensorflow/tfjs-node-gpu, @tensorflow/tfjs-node
 * (native libtensorflow), WebGPU through the `webgpu` package (Dawn) when it
 * yields an adapter, then wasm (with our Conv2DBackpropFilter), then cpu.
 * The native and WebGPU packages are optional and absent here; importing them
 * can fail in many ways (missing module, missing shared library, ABI
 * mismatch), so every error counts as "not available".
 */
import { BroadcastChannel, isMainThread } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { registerWasmConvGradients } from './wasm-conv-gradients.js';

export const BACKEND_CHOICES = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface BackendSelection {
  /** The tfjs backend now active: 'tensorflow', 'webgpu', 'wasm' or 'cpu'. */
  name: string;
  requested: BackendChoice;
  /** Why each earlier candidate was skipped, e.g. "tensorflow: Cannot find package ...". */
  skipped: string[];
}

type Attempt = () => Promise<boolean>;

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0].slice(0, 160);
}

/** Imports a module the compiler does not know about (optional dependency). */
const importOptional = (specifier: string): Promise<unknown> => import(specifier);

async function activate(name: string): Promise<boolean> {
  const ok = await tf.setBackend(name);
  await tf.ready();
  return ok && tf.getBackend() === name;
}

const attempts: Record<Exclude<BackendChoice, 'auto'>, Attempt> = {
  tensorflow: async () => {
    let lastError: unknown;
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      try {
        await importOptional(pkg);
        if (await activate('tensorflow')) return true;
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError ?? new Error('tensorflow backend did not register');
  },
  webgpu: async () => {
    const webgpu = (await importOptional('webgpu')) as { create(options: string[]): unknown; globals: Record<string, unknown> };
    Object.assign(globalThis, webgpu.globals);
    const gpu = webgpu.create([]) as { requestAdapter(): Promise<unknown> };
    if (!(await gpu.requestAdapter())) throw new Error('no WebGPU adapter');
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    await importOptional('@tensorflow/tfjs-backend-webgpu');
    return activate('webgpu');
  },
  wasm: async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    registerWasmConvGradients();
    return activate('wasm');
  },
  cpu: async () => activate('cpu'),
};

/**
 * Activates the requested backend (or the first that works for `auto`) and
 * returns its name. A specific request that fails throws with the reason.
 */
export async function selectBackend(requested: BackendChoice = 'auto'): Promise<BackendSelection> {
  const order: Array<Exclude<BackendChoice, 'auto'>> = requested === 'auto' ? ['tensorflow', 'webgpu', 'wasm', 'cpu'] : [requested];
  const skipped: string[] = [];
  for (const name of order) {
    try {
      if (await attempts[name]()) return { name: tf.getBackend(), requested, skipped };
      skipped.push(`${name}: did not activate`);
    } catch (error) {
      skipped.push(`${name}: ${firstLine(error)}`);
    }
  }
  throw new Error(`no usable tfjs backend for "${requested}" (${skipped.join('; ')})`);
}

/** One memo per thread: the tfjs engine is a per-thread singleton, so is its backend. */
let selection: Promise<BackendSelection> | undefined;
let selectedFor: BackendChoice | undefined;

/** The line announcing a choice: short, with the reasons for skipped backends only under --verbose (DEJA_VERBOSE=1). */
export function backendLine(chosen: BackendSelection, verbose = process.env.DEJA_VERBOSE === '1'): string {
  const line = `[nas-cell] TensorFlow.js backend: ${chosen.name}${chosen.requested === 'auto' ? ' (auto)' : ''}`;
  if (chosen.skipped.length === 0) return line;
  return verbose ? `${line}; skipped ${chosen.skipped.join('; ')}` : `${line}; --verbose shows why others were skipped`;
}

/**
 * Worker threads each pick a backend; they post their line here and the main
 * thread prints each distinct line once, so a run with 8 workers says it once.
 */
const CHANNEL = 'deja:nas-cell:backend';
const announced = new Set<string>();

function announce(line: string): void {
  if (!isMainThread) {
    const channel = new BroadcastChannel(CHANNEL);
    channel.postMessage(line);
    channel.close();
    return;
  }
  if (announced.has(line)) return;
  announced.add(line);
  process.stderr.write(`${line}\n`);
}

/** In the main thread: print the lines worker threads announce. Returns a function that stops listening. */
export function listenForBackendLines(): () => void {
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (message) => announce(String((message as MessageEvent).data));
  (channel as unknown as { unref(): void }).unref(); // never keeps the process alive on its own
  return () => channel.close();
}

export function ensureBackend(requested: BackendChoice, log: (line: string) => void = announce): Promise<BackendSelection> {
  if (selection && selectedFor === requested) return selection;
  selectedFor = requested;
  selection = selectBackend(requested).then((chosen) => {
    log(backendLine(chosen));
    return chosen;
  });
  return selection;
}
