/**
 * Mutation testing (StrykerJS 9, Node 20): `npm run mutate`; one part: `MUTATE=cache npm run mutate`.
 *
 * Stryker instruments src/*.ts in a sandbox, `tsc` builds the sandbox to dist/ (worker threads and
 * tests then run plain compiled JavaScript, several times faster than through tsx), and the tap runner
 * runs each listed dist/test file with `node` (node:test prints TAP when piped). Coverage is per test
 * file, so each mutant runs only the files that executed it. Each part keeps its own incremental file,
 * so a rerun tests only mutants in changed code or covered by changed tests.
 */
const parts = {
  // The two-generation memo holds the remembered hashes.
  hash: { mutate: ['src/hash/**/*.ts', 'src/memo/**/*.ts'], tests: ['hash/*', 'memo/*'] },
  // The Redis store and queue need a Redis server: their own suites cover them, not this tool.
  // store-contract runs one contract on the memory and SQLite stores (its lease tests sleep: last);
  // engine-values checks hitRate(). Each file's unit tests come first, all under a second.
  cache: {
    mutate: ['src/cache/**/*.ts', '!src/cache/redis-store.ts'],
    tests: ['cache/cache-location', 'cache/fec', 'cache/fec-properties', 'cache/sqlite-schema', 'cache/cache-admin', 'cache/sqlite-store', 'cache/store-contract', 'search/engine-values'],
  },
  // record and search list their test files one by one, fast unit tests first: a mutant's run stops at
  // the first file that fails, so a mutant the unit tests kill never waits for a whole search to run.
  record: {
    mutate: ['src/record/**/*.ts'],
    tests: ['record/restore-values', 'record/run-stats', 'record/event-log', 'record/run-folder', 'record/run-files', 'record/run-recorder', 'search/run-state', 'record/restore-run', 'search/resume', 'search/engine-values'],
  },
  search: {
    mutate: ['src/search/**/*.ts'],
    tests: [
      'search/selection', 'search/run-state', 'search/landing-queue', 'search/search-loop', 'search/evaluation-stage', 'search/proposal-stage', 'search/search-setup', 'search/searchers', 'search/open-cache',
      'record/restore-values', 'record/run-stats', 'record/event-log', 'record/run-files',
      'search/run-wiring', 'search/engine-values', 'search/resume', 'record/restore-run', 'search/persistent-cache', 'search/run-search',
    ],
  },
  // The workers' own tests call the worker entry points in the test thread too: code that runs only in
  // worker threads is invisible to Stryker's coverage. Whole searches (search/*) took half a minute a mutant.
  workers: { mutate: ['src/workers/**/*.ts', '!src/workers/queue-*.ts', '!src/workers/evaluation-queue.ts'], tests: ['workers/evaluation', 'workers/worker-pool'] },
  // The domain's unit tests check each verdict and message; the engine tests that also load domains
  // (custom-domain, search/*) made a first run take over an hour and are left to npm test.
  domain: { mutate: ['src/domain/**/*.ts'], tests: ['domain/*'] },
  diffusion: { mutate: ['src/evaluators/diffusion-sampler/solvers/**/*.ts'], tests: ['diffusion-sampler/solvers'] },
  symbolic: { mutate: ['src/evaluators/symbolic/expression.ts'], tests: ['symbolic/*'] },
};
const CORE = ['hash', 'cache', 'record', 'search', 'workers', 'domain'];
const chosen = (process.env.MUTATE ?? CORE.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
for (const name of chosen) {
  if (!(name in parts)) throw new Error(`MUTATE: unknown part "${name}"; expected a comma-separated list of ${Object.keys(parts).join(', ')}`);
}
const tag = chosen.join('+');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'tap',
  tap: {
    testFiles: [...new Set(chosen.flatMap((name) => parts[name].tests))].map((t) => `dist/test/${t}.test.js`),
    forceBail: true,
  },
  mutate: chosen.flatMap((name) => parts[name].mutate),
  buildCommand: 'node scripts/mutation-build.mjs',
  symlinkNodeModules: false,
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.stryker.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: `reports/mutation/${tag}.incremental.json`,
  reporters: ['html', 'clear-text', 'progress', 'json'],
  htmlReporter: { fileName: `reports/mutation/${tag}.html` },
  jsonReporter: { fileName: `reports/mutation/${tag}.json` },
  ignorePatterns: ['dist', 'bench', 'runs', 'reports', '.bench-out', '.deja-cache', 'docs'],
  // Two cores shared with other work: one test process and one checker at a time by default.
  concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 1),
  timeoutMS: 20000,
  cleanTempDir: 'always',
};
