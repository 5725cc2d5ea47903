/**
 * Where the persistent cache lives: `$DEJA_CACHE_DIR/fec.db`, else the user's
 * cache folder (`env-paths`: ~/.cache/deja on Linux, ~/Library/Caches/deja on
 * macOS, %LOCALAPPDATA%\deja\Cache on Windows).
 */
import { join, resolve } from 'node:path';
import envPaths from 'env-paths';

export const CACHE_FILE_NAME = 'fec.db';

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DEJA_CACHE_DIR;
  return dir !== undefined && dir !== '' ? resolve(dir) : envPaths('deja', { suffix: '' }).cache;
}

export function defaultCachePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(defaultCacheDir(env), CACHE_FILE_NAME);
}

/**
 * The store a command-line run uses when neither the experiment nor a flag names one:
 * the persistent file, except under `node --test` (which sets NODE_TEST_CONTEXT for
 * its test processes and their children) without DEJA_CACHE_DIR, so that no test can
 * touch, or be perturbed by, the user's real cache.
 */
export function defaultStoreKind(env: NodeJS.ProcessEnv = process.env): 'persistent' | 'memory' {
  return env.NODE_TEST_CONTEXT !== undefined && !env.DEJA_CACHE_DIR ? 'memory' : 'persistent';
}
