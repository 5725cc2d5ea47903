#!/usr/bin/env node
// Entry point of the `deja` command; the CLI itself is compiled TypeScript in dist/.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('deja: not built yet; run `npm ci` (or `npm run build`) in the deja folder first\n');
  process.exit(2);
}
const { main, reportUncaught } = await import(entry.href);
// Whatever escapes (an error thrown later by domain code, a rejected promise) is still one line.
process.on('uncaughtException', reportUncaught);
process.on('unhandledRejection', reportUncaught);
process.exitCode = await main(process.argv.slice(2));
