/**
 * Stryker's build step, run inside its sandbox (.stryker-tmp/sandbox-*): Stryker links node_modules
 * only after the build, but tsc needs the packages' types, so link it first; then compile the
 * instrumented sources and the tests to dist/ (Stryker's own link attempt then finds it in place).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { resolve } from 'node:path';

const project = resolve(process.cwd(), '../..');
if (!existsSync('node_modules')) symlinkSync(resolve(project, 'node_modules'), 'node_modules', 'junction');
execFileSync(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '-p', 'tsconfig.stryker.json'], { stdio: 'inherit' });
