/** Which folders are runs: a folder with events.jsonl, or the run folders directly inside a parent folder. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

/** Bad input about run folders: shown as one line. */
export class RunFolderError extends Error {
  override name = 'RunFolderError';
}

export interface RunFolderRef {
  dir: string;
  label: string;
}

const isRun = (dir: string) => existsSync(join(dir, 'events.jsonl'));

/** The run folders named by `args`, in order; a parent folder contributes its runs sorted by name. */
export function resolveRunFolders(args: readonly string[], allowEmptyParents = false): RunFolderRef[] {
  const dirs: string[] = [];
  for (const arg of args) {
    if (!existsSync(arg) || !statSync(arg).isDirectory()) throw new RunFolderError(`${arg}: no such folder; give a run folder written by \`deja run --out\` or a folder of them`);
    if (isRun(arg)) {
      dirs.push(arg);
      continue;
    }
    const runs = readdirSync(arg, { withFileTypes: true })
      .filter((d) => d.isDirectory() && isRun(join(arg, d.name)))
      .map((d) => join(arg, d.name))
      .sort();
    if (runs.length === 0 && !allowEmptyParents) throw new RunFolderError(`${arg}: no events.jsonl in it or in its subfolders; give a folder written by \`deja run --out\``);
    dirs.push(...runs);
  }
  const unique = [...new Set(dirs)];
  const names = unique.map((d) => basename(d));
  return unique.map((dir, i) => ({ dir, label: names.indexOf(names[i]) === names.lastIndexOf(names[i]) ? names[i] : relative(process.cwd(), dir) || dir }));
}
