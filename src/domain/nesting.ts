/**
 * How deeply a JSON value nests, measured without recursion: candidates and
 * options come from files and command lines, and a recursive walk over
 * `[[[[...]]]]` 100,000 levels deep would overflow the stack before any
 * domain code could say what is wrong.
 */

/** Deeper than any candidate a domain builds; shallow enough that recursive domain code is safe. */
export const MAX_INPUT_DEPTH = 256;

/** The nesting depth of `value`, counting stops once it passes `limit`. */
export function nestingDepth(value: unknown, limit = MAX_INPUT_DEPTH): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** One line when `value` nests deeper than `limit`, else null. */
export function checkNesting(value: unknown, what: string, limit = MAX_INPUT_DEPTH): string | null {
  return nestingDepth(value, limit) > limit ? `${what}: nests more than ${limit} levels deep; deja accepts at most ${limit}` : null;
}
