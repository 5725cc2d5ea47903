/**
 * Shows candidates with the run's own domain (its `describe`, and `render`
 * when it has one); raw JSON when the domain cannot be loaded.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findBuiltinDomain } from '../domain/builtin.js';
import { loadDomain } from '../domain/load-domain.js';
import type { CandidateView } from './report-data.js';

export type CandidateViewer = (candidate: unknown) => CandidateView;

const rawJson: CandidateViewer = (candidate) => ({ text: JSON.stringify(candidate) });

/**
 * A domain module named in a run folder (not built in) is loaded only with `trustDomain`:
 * a run folder is data, and showing it must not run code it names.
 */
export async function candidateViewer(dir: string, trustDomain = false, notice: (line: string) => void = () => {}): Promise<CandidateViewer> {
  try {
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { domain: string; domainOptions?: Record<string, unknown> };
    if (!findBuiltinDomain(config.domain) && !trustDomain) {
      notice(`members shown as JSON: the run's domain is code (${config.domain}); pass --trust-domain to describe them with it`);
      return rawJson;
    }
    const domain = await loadDomain({ spec: config.domain, options: config.domainOptions ?? {} });
    return (candidate) => {
      try {
        return { text: domain.describe(candidate), html: domain.render?.(candidate) };
      } catch {
        return rawJson(candidate);
      }
    };
  } catch {
    return rawJson;
  }
}
