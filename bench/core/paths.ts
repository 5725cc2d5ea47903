import { fileURLToPath } from 'node:url';

/** Absolute path of a benchmark domain module (compiled .js under dist/, .ts under tsx). */
export function domainPath(name: string): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`../domains/${name}${ext}`, import.meta.url));
}
