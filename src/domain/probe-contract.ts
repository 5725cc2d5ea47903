/**
 * What the engine checks of a domain's probe, because the cache's answers are
 * only as good as the probe: outputs must be a bounded array of numbers (plain
 * or typed), or that candidate fails with a clear message; and the same
 * candidate must probe to the same outputs, or the cache would hand one
 * candidate's fitness to another: a sample of candidates is probed twice.
 */

/** More outputs than this is a runaway probe (or `{length: 1e9}`), not a functional signature. */
export const MAX_PROBE_OUTPUTS = 10_000_000;
/** Every one of the first proposals is probed twice, ... */
export const RECHECK_FIRST = 20;
/** ... then one in this many (by id, so no random draw changes the trajectory) ... */
export const RECHECK_EVERY = 50;
/**
 * ... and past this many proposals, one in RECHECK_LATER_EVERY. A recheck goes through the candidate's
 * JSON form (printed and parsed again): at 1 in 50 it was ~4% of an AutoML-Zero search, whose probe is
 * cheaper than that round trip. A probe that disagrees with itself almost always shows early; a late
 * one (a memo evicted after a while, say) is still sampled: 290 more times in a 300,000-proposal run.
 */
export const RECHECK_DENSE_UNTIL = 10_000;
export const RECHECK_LATER_EVERY = 1000;

/** Raised when a domain breaks the probe contract in a way that poisons the whole run. */
export class ProbeContractError extends Error {
  override name = 'ProbeContractError';
}

/** Why `outputs` is not a probe result (null when it is). */
export function checkProbeOutputs(outputs: unknown): string | null {
  const plain = Array.isArray(outputs);
  const typed = ArrayBuffer.isView(outputs) && !(outputs instanceof DataView) && !(outputs instanceof BigInt64Array) && !(outputs instanceof BigUint64Array);
  if (!plain && !typed) {
    const what = outputs === null ? 'null' : typeof outputs === 'object' ? `an object (${Object.prototype.toString.call(outputs)})` : typeof outputs;
    return `probe returned ${what}; expected an array of numbers (plain or typed)`;
  }
  const values = outputs as ArrayLike<unknown>;
  if (values.length === 0) return 'probe returned no outputs; expected at least one number';
  if (values.length > MAX_PROBE_OUTPUTS) return `probe returned ${values.length} outputs; at most ${MAX_PROBE_OUTPUTS}`;
  if (plain) {
    for (let i = 0; i < values.length; i++) {
      if (typeof values[i] !== 'number') return `probe output ${i} is ${values[i] === null ? 'null' : typeof values[i]}; expected a number`;
    }
  }
  return null;
}

/** Whether proposal `id` is probed a second time. */
export function rechecked(id: number): boolean {
  if (id < RECHECK_FIRST) return true;
  return id % (id < RECHECK_DENSE_UNTIL ? RECHECK_EVERY : RECHECK_LATER_EVERY) === 0;
}
