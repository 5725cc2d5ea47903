/**
 * Helpers every built-in domain uses at its edge with the user: domain
 * options through a zod schema, and candidates in JSON text, both failing
 * with one line that names the field.
 */
import type { z } from 'zod';
import { DomainInputError } from './domain.js';

export function parseDomainOptions<S extends z.ZodObject>(schema: S, raw: Record<string, unknown>): z.infer<S> {
  const parsed = schema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    throw new DomainInputError(`domainOptions: unknown option ${issue.keys.map((k) => `"${k}"`).join(', ')}; allowed: ${Object.keys(schema.shape).join(', ')}`);
  }
  throw new DomainInputError(`domainOptions.${issue.path.join('.')}: ${issue.message}`);
}

/** JSON text to a validated candidate; `example` is shown when the text is not JSON. */
export function parseJsonCandidate<C>(text: string, example: string, validate: (value: unknown) => string | null): C {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DomainInputError(`candidate: expected a JSON object such as ${example}`);
  }
  const problem = validate(value);
  if (problem) throw new DomainInputError(problem);
  return value as C;
}
