/**
 * TensorFlow.js and the MNIST digits are optional peer dependencies: the
 * repository installs them, a project that only needs the engine does not.
 * Domains that need one check here first, so a lean install gets one line
 * naming what to install instead of a module-resolution stack.
 */
import { DomainInputError } from './domain.js';

export const TFJS_PACKAGES = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'];

/** Whether deja itself can import `name` (resolved from deja's own folder, as its imports are). */
export function isInstalled(name: string): boolean {
  try {
    import.meta.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** Throws a DomainInputError naming the missing packages and the command that installs them. */
export function requirePackages(packages: readonly string[], neededBy: string): void {
  const missing = packages.filter((name) => !isInstalled(name));
  if (missing.length === 0) return;
  const noun = missing.length === 1 ? 'an optional peer dependency' : 'optional peer dependencies';
  throw new DomainInputError(`${neededBy} needs ${missing.join(', ')} (${noun} of deja, not installed): npm install ${missing.join(' ')}`);
}
