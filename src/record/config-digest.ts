/**
 * A digest of config.json, stored inside it when the run starts. A resume
 * recomputes it: an edited config (another target, other mantissa bits) would
 * mix incompatible results into one cache, so it is refused, not silently used.
 */
import { createHash } from 'node:crypto';

export const DIGEST_FIELD = 'configDigest';

/** JSON with object keys sorted, so the digest does not depend on key order or whitespace. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** sha256 of the config's canonical JSON, without the digest field itself. */
export function configDigest(config: Record<string, unknown>): string {
  const { [DIGEST_FIELD]: _ignored, ...rest } = config;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

export function withDigest(config: Record<string, unknown>): Record<string, unknown> {
  return { ...config, [DIGEST_FIELD]: configDigest(config) };
}

/** 'ok', 'missing' (written before digests existed) or 'mismatch' (edited after the run started). */
export function verifyDigest(config: Record<string, unknown>): 'ok' | 'missing' | 'mismatch' {
  const stored = config[DIGEST_FIELD];
  if (typeof stored !== 'string') return 'missing';
  return stored === configDigest(config) ? 'ok' : 'mismatch';
}
