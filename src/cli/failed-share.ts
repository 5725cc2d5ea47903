/**
 * The loud end of a run in which too many evaluations failed: a warning that
 * says how many, of which kinds, and the first error, and exit code 4, so a
 * script notices a search that mostly measured its own failures.
 */
import type { SearchEvent } from '../record/events.js';
import type { RunSummary } from '../record/summary.js';
import { integer, percent } from './format.js';

export const DEFAULT_MAX_FAILED_SHARE = 0.5;

/** Collects the kinds of failure and the first error message as events settle. */
export function createFailureLog(): { onEvent(event: SearchEvent): void; describe(): string } {
  const kinds = new Map<string, number>();
  let first: string | undefined;
  return {
    onEvent(event) {
      if (event.outcome !== 'failed') return;
      const kind = event.failure ?? 'error';
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      first ??= `#${event.id}: ${(event.error ?? kind).split('\n')[0].slice(0, 200)}`;
    },
    describe() {
      const counts = [...kinds.entries()].sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${integer(n)} ${kind}`);
      return counts.length === 0 ? '' : `${counts.join(', ')}; first ${first}`;
    },
  };
}

/** Proposals that could fail: all but full hits (evaluations, joins of them, probes). */
export function failedShare(summary: RunSummary): number {
  const exposed = summary.proposals - summary.cache.fullHits;
  return exposed > 0 ? summary.failed / exposed : 0;
}

/** The warning to print when more than `maxShare` failed, else null. */
export function failedShareWarning(summary: RunSummary, maxShare: number, details: string): string | null {
  const share = failedShare(summary);
  if (summary.failed === 0 || share <= maxShare) return null;
  const exposed = summary.proposals - summary.cache.fullHits;
  return [
    `deja: WARNING: ${integer(summary.failed)} of ${integer(exposed)} evaluations failed (${percent(share)}), more than --max-failed-share ${maxShare}; exit code 4`,
    ...(details ? [`deja: failures: ${details}`] : []),
    'deja: the results above rest on the evaluations that succeeded; see "error" in events.jsonl',
  ].join('\n');
}
