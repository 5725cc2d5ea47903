/**
 * Enumerates the NAS-Bench-101 space and prints labelled / structural /
 * functional counts with example functional merges (what `deja space
 * nas-cell --max-vertices V` prints).
 *
 *   node --import tsx bench/nas-cell/enumerate.ts [maxVertices=7] [--structural-only] [--mantissa-bits N]
 */
import { enumerateSpace, formatSpaceEnumeration } from '../../src/evaluators/nas-cell/space-enumeration.js';

const args = process.argv.slice(2);
const maxVertices = Number(args.find((a) => /^\d+$/.test(a)) ?? 7);
const bitsIndex = args.indexOf('--mantissa-bits');
const mantissaBits = bitsIndex >= 0 ? Number(args[bitsIndex + 1]) : 24;

const result = await enumerateSpace({
  maxVertices,
  functional: !args.includes('--structural-only'),
  mantissaBits,
  maxExamples: 8,
  onProgress: ({ phase, done, total }) => process.stderr.write(`${phase}: ${done}${Number.isFinite(total) ? ` / ${total}` : ''}\n`),
});
console.log(formatSpaceEnumeration(result, mantissaBits));
