/**
 * The evaluation fingerprint: what makes two cached fitnesses comparable. A
 * hash names a function; a fitness is that function scored by one evaluation
 * setup. Entries of a persistent store are kept per namespace, so two runs on
 * the same task share them and runs on different tasks (another target,
 * other data, another training setup) never see each other's.
 */
import { createHash } from 'node:crypto';
import type { Domain } from '../domain/domain.js';
import { HASH_FORMAT_VERSION } from '../hash/functional-hash.js';

export interface CacheNamespace {
  /** `<domain>@<version>/<digest>`: short, readable, unique per fingerprint. */
  key: string;
  domain: string;
  version: string;
  fingerprint: {
    hashFormat: number;
    domain: string;
    version: string;
    probeKey: string;
    mantissaBits: number;
    /** What in the domain's options changes a score: `domain.evaluationKey(options)`, else all the options. */
    evaluation: unknown;
  };
}

export function cacheNamespace(domain: Domain, domainOptions: Record<string, unknown>, mantissaBits: number): CacheNamespace {
  const fingerprint = {
    hashFormat: HASH_FORMAT_VERSION,
    domain: domain.name,
    version: domain.version,
    probeKey: domain.probeKey ?? '',
    mantissaBits,
    evaluation: domain.evaluationKey ? domain.evaluationKey(domainOptions) : domainOptions,
  };
  const digest = createHash('sha256').update(canonicalJson(fingerprint)).digest('hex').slice(0, 16);
  return { key: `${domain.name}@${domain.version}/${digest}`, domain: domain.name, version: domain.version, fingerprint };
}

/** JSON with object keys sorted, so equal data always gives equal text (and digest). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
