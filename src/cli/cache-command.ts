/** `deja cache`: shows and tidies the persistent cache file. */
import { existsSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { defaultCachePath } from '../cache/cache-location.js';
import { cacheInfo, clearAll, clearDomain, pruneOlderThan } from '../cache/cache-admin.js';
import { CliError } from './cli-error.js';
import { cacheVerifyCommand } from './cache-verify-command.js';
import { integer, table, truncate } from './format.js';

export interface CacheCommandOptions {
  db?: string;
  json?: boolean;
}

/** 1536 -> "1.5 KiB". */
export function humanBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

const DURATION_UNITS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

/** "30d", "12h", "90m", "2w", "45s" -> milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text.trim());
  if (!match) throw new CliError(`--older-than expects a number and a unit (s, m, h, d, w), e.g. 30d or 12h; got "${text}"`);
  return Number(match[1]) * DURATION_UNITS[match[2]];
}

function cachePath(options: CacheCommandOptions, mustExist = true): string {
  const path = options.db ?? defaultCachePath();
  if (mustExist && !existsSync(path)) throw new CliError(`cache: no cache database at ${path}; runs create it (or pass --db FILE)`);
  return path;
}

export function cacheInfoCommand(options: CacheCommandOptions): void {
  const path = options.db ?? defaultCachePath();
  if (!existsSync(path)) {
    process.stdout.write(options.json ? JSON.stringify({ path, bytes: 0, entries: 0, namespaces: [] }) + '\n' : `${path}: no cache yet (the first \`deja run\` creates it)\n`);
    return;
  }
  const info = cacheInfo(path);
  if (options.json) {
    process.stdout.write(JSON.stringify(info, null, 2) + '\n');
    return;
  }
  const rows = info.namespaces.map((ns) => [
    ns.key, integer(ns.entries), integer(ns.runs), ns.lastUpdated === null ? '-' : new Date(ns.lastUpdated).toISOString().slice(0, 16).replace('T', ' '),
    truncate(ns.experiments.join(', '), 60),
  ]);
  process.stdout.write([
    `${info.path}: ${humanBytes(info.bytes)}, ${integer(info.entries)} entries in ${info.namespaces.length} namespace${info.namespaces.length === 1 ? '' : 's'}`,
    '',
    table(['namespace (domain@version/fingerprint)', 'entries', 'runs', 'last write (UTC)', 'experiments'], rows),
  ].join('\n') + '\n');
}

export function cachePruneCommand(options: CacheCommandOptions & { olderThan: string }): void {
  const path = cachePath(options);
  const ms = parseDuration(options.olderThan);
  const removed = pruneOlderThan(path, Date.now() - ms);
  process.stdout.write(`removed ${integer(removed)} entries written more than ${options.olderThan} ago; ${path} is now ${humanBytes(cacheInfo(path).bytes)}\n`);
}

export function cacheClearCommand(options: CacheCommandOptions & { domain?: string; all?: boolean }): void {
  if ((options.domain === undefined) === (options.all !== true)) throw new CliError('cache clear: give --domain NAME (that domain\'s entries) or --all (every entry)');
  const path = cachePath(options);
  const removed = options.domain !== undefined ? clearDomain(path, options.domain) : clearAll(path);
  process.stdout.write(`removed ${integer(removed)} entries${options.domain !== undefined ? ` of domain ${options.domain}` : ''}; ${path} is now ${humanBytes(cacheInfo(path).bytes)}\n`);
}

function positiveCount(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError(`--max expects a whole number from 1 in decimal digits, got "${value}"`);
  return Number(value);
}

/** `deja cache [info|prune|clear|verify]`. */
export function registerCacheCommand(program: Command): void {
  const cache = program
    .command('cache')
    .description('show and tidy the persistent cache (default: $DEJA_CACHE_DIR/fec.db, else the user cache folder)');
  const dbOption = () => new Option('--db <file>', 'the cache database (default: the one `deja run` uses)');
  cache
    .command('info', { isDefault: true })
    .description('size, namespaces (domain, version, evaluation fingerprint) with entry counts and the experiments they came from')
    .addOption(dbOption())
    .option('--json', 'print JSON')
    .action(cacheInfoCommand);
  cache
    .command('prune')
    .description('remove entries written longer ago than --older-than')
    .requiredOption('--older-than <age>', 'e.g. 30d, 12h, 90m, 2w')
    .addOption(dbOption())
    .action(cachePruneCommand);
  cache
    .command('clear')
    .description('remove the entries of one domain (--domain) or all entries (--all)')
    .option('--domain <name>', 'e.g. symbolic')
    .option('--all', 'every entry')
    .addOption(dbOption())
    .action(cacheClearCommand);
  cache
    .command('verify')
    .description('evaluate a sample of a run\'s full hits again and count false merges (cached fitness of another function)')
    .argument('<dir>', 'a folder written by deja run (recorded with candidates)')
    .option('--max <n>', 'full hits to evaluate again', positiveCount, 50)
    .option('--json', 'print JSON')
    .action(cacheVerifyCommand);
}
