/**
 * A second streaming pass over events.jsonl for the few largest equivalence
 * classes: their distinct encodings (candidates by JSON) and the first members.
 * Only lines whose hash is wanted are parsed.
 */
import type { ClassHead } from './run-accumulator.js';
import { parseEvent, readLines } from './event-lines.js';

export interface ClassMembers {
  /** Distinct candidates (by JSON) seen with this hash; null when the log holds no candidates. */
  distinct: number | null;
  /** Up to `keep` differently written members, in order of appearance. */
  members: unknown[];
}

const HASH_FIELD = '"hash":"';

export async function classMembers(path: string, classes: readonly ClassHead[], keep = 3): Promise<Map<string, ClassMembers>> {
  const wanted = new Map(classes.map((c) => [c.hash, new Map<string, unknown>()]));
  let withCandidates = false;
  for await (const { lines } of readLines(path)) {
    for (const line of lines) {
      const at = line.indexOf(HASH_FIELD);
      if (at === -1) continue;
      const seen = wanted.get(line.slice(at + HASH_FIELD.length, at + HASH_FIELD.length + 16));
      if (!seen) continue;
      const event = parseEvent(line);
      if (event?.candidate === undefined) continue;
      withCandidates = true;
      const key = JSON.stringify(event.candidate);
      if (!seen.has(key)) seen.set(key, seen.size < keep ? event.candidate : undefined);
    }
  }
  return new Map([...wanted].map(([hash, seen]) => [hash, {
    distinct: withCandidates ? seen.size : null,
    members: [...seen.values()].slice(0, keep),
  }]));
}
