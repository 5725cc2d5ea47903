/**
 * Connections to the Redis that carries the evaluation queue and the shared
 * cache. URLs are read by ioredis itself (`redis://user:password@host:port/db`,
 * `rediss://` for TLS); the password never reaches a log line.
 */
import { createRequire } from 'node:module';
import type { Redis, RedisOptions } from 'ioredis';

/** The URL with its password (and user name) replaced, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '<unparsable Redis URL>';
  }
}

/** Whether a store spec or flag value names a Redis server. */
export function isRedisUrl(spec: string): boolean {
  return /^rediss?:\/\//.test(spec);
}

/** Checks the URL's shape so a typo fails in one line before anything connects. */
export function checkRedisUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `--redis: "${redactRedisUrl(url)}" is not a URL; expected redis://[user:password@]host:port[/db] or rediss://... for TLS`;
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    return `--redis: expected a redis:// or rediss:// URL, got ${parsed.protocol}//...`;
  }
  return null;
}

export interface ConnectOptions {
  /**
   * BullMQ workers and subscribers must wait out a reconnect (null); plain
   * commands fail after a few retries so a dead Redis surfaces as an error.
   */
  maxRetriesPerRequest?: number | null;
  /** Connection name shown by CLIENT LIST (e.g. "deja-worker"). */
  name?: string;
}

export function connectRedis(url: string, options: ConnectOptions = {}): Redis {
  const settings: RedisOptions = {
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 3 : options.maxRetriesPerRequest,
    connectionName: options.name,
    // Reconnect quickly but not in a tight loop: 50 ms, 100 ms, ... up to 1 s.
    retryStrategy: (times) => Math.min(times * 50, 1000),
    lazyConnect: false,
  };
  // Required here, not imported above: the URL helpers in this file serve every run, ioredis only
  // the few that connect, and loading it was a tenth of the CLI's start-up (Node caches it after the first).
  const { Redis: RedisClient } = createRequire(import.meta.url)('ioredis') as typeof import('ioredis');
  const redis = new RedisClient(url, settings);
  // Errors surface through the commands that fail; without a listener ioredis would print each reconnect attempt.
  redis.on('error', () => {});
  return redis;
}
