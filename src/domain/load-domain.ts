/**
 * Turns a domain reference (built-in name or module path, plus options) into
 * a checked Domain. Used identically by the main thread and every worker.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findBuiltinDomain, BUILTIN_DOMAINS } from './builtin.js';
import { defineDomain, DomainInputError, type Domain, type DomainFactory } from './domain.js';
import type { DomainRef } from '../workers/evaluation-task.js';

let tsLoaderRegistered = false;

/**
 * User domains may be TypeScript files; tsx's loaders are registered on first
 * need, per thread. Both: Node reads a .ts file as CommonJS unless its
 * package.json says "type": "module", and then tsx's CommonJS loader compiles it.
 */
async function ensureTypeScriptLoader(): Promise<void> {
  if (tsLoaderRegistered) return;
  const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
  esm.register();
  cjs.register();
  tsLoaderRegistered = true;
}

export function looksLikeModulePath(spec: string): boolean {
  return /[\\/]/.test(spec) || /\.(m?[jt]s|cjs)$/.test(spec);
}

/** Resolves an experiment's `domain` field to a DomainRef spec: a built-in name or an absolute path. */
export function resolveDomainSpec(spec: string, baseDir: string): string {
  if (findBuiltinDomain(spec)) return spec;
  if (looksLikeModulePath(spec)) return isAbsolute(spec) ? spec : resolve(baseDir, spec);
  const names = BUILTIN_DOMAINS.map((d) => d.name).join(', ');
  throw new DomainInputError(`domain: unknown domain "${spec}"; built-in domains are ${names}, or give a path to a .js/.ts module that exports a domain`);
}

async function importModule(spec: string): Promise<{ default?: unknown; domain?: unknown }> {
  const builtin = findBuiltinDomain(spec);
  if (builtin) return builtin.load();
  if (/\.(m|c)?ts$/.test(spec)) await ensureTypeScriptLoader();
  try {
    return await import(pathToFileURL(spec).href);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new DomainInputError(`domain: cannot load module ${spec}: ${reason}`);
  }
}

/**
 * A module written as ESM but run as CommonJS (a .ts file outside a "type":
 * "module" package) arrives as { default: its exports }: its own default
 * export is one level down, marked by `__esModule`.
 */
function esModuleExports(module: { default?: unknown; domain?: unknown }): { default?: unknown; domain?: unknown } {
  const inner = module.default;
  return typeof inner === 'object' && inner !== null && (inner as { __esModule?: unknown }).__esModule === true ? (inner as typeof module) : module;
}

export async function loadDomain(ref: DomainRef): Promise<Domain> {
  const module = esModuleExports(await importModule(ref.spec));
  const exported = module.default ?? module.domain;
  if (exported === undefined) {
    throw new DomainInputError(`domain: module ${ref.spec} has no default export; export a domain (defineDomain({...})) or a factory (options) => domain`);
  }
  let domain: unknown;
  try {
    domain = typeof exported === 'function' ? await (exported as DomainFactory)(ref.options) : exported;
  } catch (error) {
    // A factory is domain code: its own bug or refusal is reported as such, in one line.
    if (error instanceof DomainInputError) throw error;
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new DomainInputError(`domain: the factory of ${ref.spec} failed: ${reason}`);
  }
  return defineDomain(domain as Domain);
}
