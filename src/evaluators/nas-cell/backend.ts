/**
 * Run-time choice of the TensorFlow.js backend.
 *
 * `auto` tries, in order: @tensorflow/tfjs-node-gpu, @tensorflow/tfjs-node
 * (native libtensorflow), WebGPU through the `webgpu` package (Dawn) when it
 * yields an adapter, then wasm (with our Conv2DBackpropFilter), then cpu.
 * The native packages are not installed (libtensorflow is a download at
 * install time, which these machines cannot make); `webgpu` and
 * @tensorflow/tfjs-backend-webgpu are optional peer dependencies (installed in
 * the repository) that find an adapter only on a machine with a Vulkan GPU.
 * Importing any of them can fail in many ways (missing module, missing shared
 * library, ABI mismatch), so every error counts as "not available".
 * `npm run gpu-check` reports what this machine offers.
 */
import { existsSync } from 'node:fs';
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

/** Where Debian, Fedora and others put the Vulkan loader, through which Dawn finds GPUs on Linux. */
const VULKAN_LOADERS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu'].map((dir) => `${dir}/libvulkan.so.1`);

export interface WebGpuAdapter {
  gpu: { requestAdapter(): Promise<unknown> };
  adapter: { info?: Record<string, string>; features?: Set<string> };
  /** "vendor architecture device description", whatever the driver reports. */
  description: string;
}

/**
 * The all-npm WebGPU route for Node: the `webgpu` package (Dawn, its
 * dawn.node shipped inside the package) over Vulkan. Throws, with the reason,
 * when there is no adapter: no package, no Vulkan loader (Debian: libvulkan1),
 * or no device Dawn accepts (it rejects software drivers such as lavapipe).
 */
export async function requestWebGpuAdapter(): Promise<WebGpuAdapter> {
  // Checked first: without a loader Dawn still starts, but prints a native warning on every run.
  if (process.platform === 'linux' && !VULKAN_LOADERS.some((file) => existsSync(file))) {
    throw new Error('no Vulkan loader (libvulkan.so.1; Debian package libvulkan1), so no WebGPU adapter');
  }
  const webgpu = (await importOptional('webgpu')) as { create(options: string[]): WebGpuAdapter['gpu']; globals: Record<string, unknown> };
  Object.assign(globalThis, webgpu.globals);
  const gpu = webgpu.create([]);
  const adapter = (await gpu.requestAdapter()) as WebGpuAdapter['adapter'] | null;
  if (!adapter) throw new Error('no WebGPU adapter (Dawn found no Vulkan GPU it accepts; software drivers such as lavapipe are rejected)');
  const info = adapter.info ?? {};
  const description = [info.vendor, info.architecture, info.device, info.description].filter((part) => part).join(' ') || 'unnamed adapter';
  return { gpu, adapter, description };
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
    const { gpu } = await requestWebGpuAdapter();
    // tfjs's webgpu backend looks for navigator.gpu when it registers, so this comes first.
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
