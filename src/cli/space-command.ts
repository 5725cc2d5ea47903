/** `deja space <domain>`: enumerate a finite search space and count its structural and functional classes. */
import { CliError } from './cli-error.js';
import { createPhaseProgress } from './progress.js';

export interface SpaceCommandOptions {
  maxVertices: number;
  functional: boolean;
  mantissaBits?: number;
  json?: boolean;
  progress: boolean;
}

export async function spaceCommand(domain: string, options: SpaceCommandOptions): Promise<void> {
  if (domain !== 'nas-cell') throw new CliError(`space: only the nas-cell space can be enumerated (got "${domain}")`);
  if (options.maxVertices < 2 || options.maxVertices > 7) throw new CliError('--max-vertices: expected 2 to 7 (NAS-Bench-101 cells have at most 7 vertices)');
  const { enumerateSpace, formatSpaceEnumeration } = await import('../evaluators/nas-cell/space-enumeration.js');
  const progress = options.progress ? createPhaseProgress() : undefined;
  let result: Awaited<ReturnType<typeof enumerateSpace>>;
  try {
    result = await enumerateSpace({ maxVertices: options.maxVertices, functional: options.functional, mantissaBits: options.mantissaBits, maxExamples: 8, onProgress: progress?.update });
  } finally {
    progress?.stop();
  }
  process.stdout.write((options.json ? JSON.stringify(result, null, 2) : formatSpaceEnumeration(result, options.mantissaBits)) + '\n');
}
