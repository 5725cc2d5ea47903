/** The `deja` command line: a thin layer over the library. */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { BUILTIN_DOMAINS } from '../domain/builtin.js';
import { reportFailure } from './exit-codes.js';
import { registerCacheCommand } from './cache-command.js';
import { DEFAULT_MAX_FAILED_SHARE } from './failed-share.js';
import { hashCommand } from './hash-command.js';
import { reportCommand } from './report-command.js';
import { resumeCommand } from './resume-command.js';
import { runCommand } from './run-command.js';
import { serveCommand } from './serve-command.js';
import { spaceCommand } from './space-command.js';
import { statsCommand } from './stats-command.js';
import { workerCommand } from './worker-command.js';
import { DEFAULT_QUEUE } from '../workers/evaluation-queue.js';

/**
 * A whole number in plain decimal digits within [min, max]: `Number()` alone
 * would take "0x10", "1e3", " 7" and "" (as 0), which are never what was meant.
 */
function wholeNumber(flag: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${flag} expects a whole number from ${min} to ${max} in decimal digits, got "${value}"`);
    }
    return n;
  };
}

const positiveInt = (flag: string, max?: number) => wholeNumber(flag, 1, max);
const nonNegativeInt = (flag: string, max?: number) => wholeNumber(flag, 0, max);

/** What a command reports besides throwing: e.g. a run stopped by a signal exits 130 or 143. */
export interface CommandOutcome {
  exitCode: number;
}

function share(flag: string) {
  return (value: string): number => {
    const x = Number(value);
    if (value.trim() === '' || !(x >= 0 && x <= 1)) throw new InvalidArgumentError(`${flag} expects a fraction from 0 to 1, got "${value}"`);
    return x;
  };
}

/** The package's own version, read from package.json (dist/src/cli/ is three levels below it). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** Worker threads inherit the environment, so domains there see --verbose too. */
function setVerbose(options: { verbose?: boolean }): void {
  if (options.verbose) process.env.DEJA_VERBOSE = '1';
}

const failedShareOption = () =>
  new Option('--max-failed-share <fraction>', 'warn and exit 4 when more than this share of the evaluations failed').argParser(share('--max-failed-share')).default(DEFAULT_MAX_FAILED_SHARE);
const verboseOption = () => new Option('--verbose', 'details from domains (e.g. why each TensorFlow.js backend was skipped)');

export function buildProgram(outcome: CommandOutcome = { exitCode: 0 }): Command {
  const program = new Command('deja')
    .description('Evolutionary AutoML search with unified functional hashing: never pay twice for the same function.')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`deja: ${text.replace(/^error: /, '')}`) });

  program
    .command('run')
    .description('run a search experiment; writes config.json, events.jsonl and summary.json to --out')
    .argument('<experiment>', 'experiment file (JSON), e.g. experiments/feynman-I.6.2a.json')
    .option('--out <dir>', 'run folder (default runs/<name>-<time>)')
    .option('--seed <n>', 'override the seed', nonNegativeInt('--seed', 2 ** 32 - 1))
    .option('--workers <n>', 'evaluation threads; 0 evaluates inline', nonNegativeInt('--workers', 1024))
    .option('--batch-size <n>', 'evaluations per message to a worker (raise for cheap domains)', positiveInt('--batch-size', 100_000))
    .addOption(new Option('--max-evals <n>', 'override budget.maxEvaluations').argParser(nonNegativeInt('--max-evals')))
    .option('--no-cache', 'evaluate every proposal (the baseline without functional hashing)')
    .addOption(new Option('--cache-store <kind>', 'where cache entries live: persistent (the user cache folder or $DEJA_CACHE_DIR, shared by runs; default) or memory (this run only)').choices(['persistent', 'memory']))
    .option('--cache-db <file>', 'a cache database file to use instead of the default one (sets cache.store)')
    .option('--no-progress', 'no live progress line')
    .option('--json', 'print the summary as JSON')
    .option('--force', 'replace an existing run in --out (its run files are removed first)')
    .option('--redis <url>', 'send evaluations to `deja worker`s through this Redis; --workers is then how many are in flight')
    .option('--queue <name>', 'evaluation queue on --redis', DEFAULT_QUEUE)
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend for domains that train networks (sets domainOptions.backend)').choices(['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu']))
    .addOption(failedShareOption())
    .addOption(verboseOption())
    .action(async (file: string, options) => {
      setVerbose(options);
      outcome.exitCode = await runCommand(file, options);
    });

  program
    .command('resume')
    .description('continue an interrupted or finished run in its folder (budgets count both parts; raise one to go further)')
    .argument('<dir>', 'a folder written by deja run')
    .option('--workers <n>', 'evaluation threads; 0 evaluates inline', nonNegativeInt('--workers', 1024))
    .option('--batch-size <n>', 'evaluations per message to a worker (raise for cheap domains)', positiveInt('--batch-size', 100_000))
    .addOption(new Option('--max-evals <n>', 'new total budget.maxEvaluations').argParser(nonNegativeInt('--max-evals')))
    .option('--redis <url>', 'send evaluations to `deja worker`s through this Redis; --workers is then how many are in flight')
    .option('--queue <name>', 'evaluation queue on --redis', DEFAULT_QUEUE)
    .option('--no-progress', 'no live progress line')
    .option('--json', 'print the summary as JSON')
    .option('--repair', 'drop corrupt lines in the middle of events.jsonl (their events are lost) instead of refusing')
    .option('--trust-domain', 'run the domain module named in the folder\'s config.json (a run folder is data, not a program)')
    .addOption(failedShareOption())
    .addOption(verboseOption())
    .action(async (dir: string, options) => {
      setVerbose(options);
      outcome.exitCode = await resumeCommand(dir, options);
    });

  program
    .command('stats')
    .description('print the cache statistics of a run folder')
    .argument('<dir>', 'a folder written by deja run')
    .option('--json', 'print JSON')
    .option('--top <n>', 'equivalence classes to show', nonNegativeInt('--top'), 5)
    .option('--trust-domain', 'describe members with the domain module named in config.json (runs its code)')
    .action(statsCommand);

  program
    .command('report')
    .description('write one self-contained HTML file (opens offline) with charts of runs, overlaid')
    .argument('<dirs...>', 'run folders written by deja run, or folders of them')
    .option('--out <file>', 'the HTML file to write', 'report.html')
    .action(reportCommand);

  program
    .command('serve')
    .description('a live dashboard of runs (updates while they go); read-only, on loopback')
    .argument('<dirs...>', 'run folders, or a folder of them (new runs in it appear as they start)')
    .option('--port <n>', 'port (default: a free one, printed)', wholeNumber('--port', 0, 65535))
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .action(serveCommand);

  program
    .command('hash')
    .description('print a candidate\'s functional hash (16 hex digits)')
    .argument('<domain>', 'built-in domain name or path to a domain module')
    .option('--candidate <file>', 'candidate JSON file')
    .option('--expr <text>', 'candidate in the domain\'s text form (e.g. "x0 + x0" for symbolic)')
    .option('--options <json>', 'domain options as JSON (as domainOptions in an experiment)')
    .option('--mantissa-bits <n>', 'mantissa bits kept before hashing', nonNegativeInt('--mantissa-bits', 52))
    .action(hashCommand);

  program
    .command('space')
    .description('enumerate a search space: labelled graphs, structural and functional classes (nas-cell)')
    .argument('<domain>', 'nas-cell')
    .requiredOption('--max-vertices <n>', 'cells with up to this many vertices (2-7)', nonNegativeInt('--max-vertices'))
    .option('--no-functional', 'structural hashes only (much faster)')
    .option('--mantissa-bits <n>', 'mantissa bits of the functional hash', nonNegativeInt('--mantissa-bits', 52))
    .option('--no-progress', 'no progress lines')
    .option('--json', 'print JSON')
    .action(spaceCommand);

  registerCacheCommand(program);

  program
    .command('worker')
    .description('serve evaluations from a Redis queue for `deja run --redis` coordinators (runs the domain code it is sent)')
    .requiredOption('--redis <url>', 'redis://[user:password@]host:port[/db], or rediss:// for TLS')
    .option('--concurrency <n>', 'evaluations at once (threads of this worker)', positiveInt('--concurrency'), 1)
    .option('--queue <name>', 'queue to serve', DEFAULT_QUEUE)
    .option('--lock-duration <ms>', 'job lock in ms: how soon a dead worker\'s job runs on another worker (default 30000)', positiveInt('--lock-duration'))
    .action(async (options) => {
      outcome.exitCode = await workerCommand(options);
    });

  program
    .command('domains')
    .description('list the built-in domains')
    .action(() => {
      const width = Math.max(...BUILTIN_DOMAINS.map((d) => d.name.length));
      for (const d of BUILTIN_DOMAINS) process.stdout.write(`${d.name.padEnd(width)}  ${d.description}\n`);
    });

  return program;
}

/** Runs the CLI and returns its exit code; nothing escapes as a stack trace (see exit-codes.ts). */
export async function main(argv: string[]): Promise<number> {
  const outcome: CommandOutcome = { exitCode: 0 };
  try {
    await buildProgram(outcome).parseAsync(argv, { from: 'user' });
    return outcome.exitCode;
  } catch (error) {
    return reportFailure(error);
  }
}

/** Last resort for errors outside any command's promise chain: one line, then exit. */
export function reportUncaught(error: unknown): void {
  process.exit(reportFailure(error));
}
