import { readFileSync } from 'node:fs';
import { loadDomain, resolveDomainSpec } from '../domain/load-domain.js';
import { createFunctionalHasher } from '../hash/functional-hash.js';
import { DEFAULT_MANTISSA_BITS } from '../hash/quantize.js';
import { checkNesting } from '../domain/nesting.js';
import { CliError } from './cli-error.js';

export interface HashCommandOptions {
  candidate?: string;
  expr?: string;
  options?: string;
  mantissaBits?: number;
}

export function parseJsonOption(text: string, flag: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${flag}: not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError(`${flag}: expected a JSON object`);
  return value as Record<string, unknown>;
}

/** Prints a candidate's functional hash: 16 lowercase hex digits and nothing else. */
export async function hashCommand(domainName: string, options: HashCommandOptions): Promise<void> {
  if ((options.candidate === undefined) === (options.expr === undefined)) {
    throw new CliError('hash: give exactly one of --candidate <file.json> or --expr <text>');
  }
  const domainOptions = options.options === undefined ? {} : parseJsonOption(options.options, '--options');
  const spec = resolveDomainSpec(domainName, process.cwd());
  let domain = await loadDomain({ spec, options: domainOptions });
  let candidate: unknown;
  if (options.expr !== undefined) {
    if (!domain.parse) throw new CliError(`--expr: domain "${domain.name}" has no text form; use --candidate <file.json>`);
    // What the text itself tells (the variables or memory it uses) fills options the user left out.
    const inferred = Object.entries(domain.optionsFor?.(options.expr) ?? {}).filter(([key]) => !(key in domainOptions));
    if (inferred.length > 0) {
      await domain.close?.();
      domain = await loadDomain({ spec, options: { ...Object.fromEntries(inferred), ...domainOptions } });
    }
    candidate = domain.parse!(options.expr);
  } else {
    let text: string;
    try {
      text = readFileSync(options.candidate!, 'utf8');
    } catch (error) {
      throw new CliError(`--candidate: cannot read ${options.candidate} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    try {
      candidate = JSON.parse(text);
    } catch (error) {
      throw new CliError(`--candidate: ${options.candidate} is not valid JSON: ${(error as Error).message}`);
    }
  }
  const tooDeep = checkNesting(candidate, 'candidate');
  if (tooDeep !== null) throw new CliError(tooDeep);
  const problem = domain.validate?.(candidate) ?? null;
  if (problem !== null) throw new CliError(`candidate: ${problem} (domain options can be set with --options '{...}')`);
  const normalized = domain.normalize ? domain.normalize(candidate) : candidate;
  const hasher = await createFunctionalHasher();
  const hash = hasher.forKey({
    domain: domain.name,
    version: domain.version,
    probeKey: domain.probeKey,
    mantissaBits: options.mantissaBits ?? domain.mantissaBits ?? DEFAULT_MANTISSA_BITS,
  });
  process.stdout.write(`${hash(await domain.probe(normalized))}\n`);
  await domain.close?.();
}
