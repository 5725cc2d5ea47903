/**
 * Shows candidates with the run's own domain (its `describe`, and `render`
 * when it has one); raw JSON when the domain cannot be loaded.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadDomain } from '../domain/load-domain.js';
import type { CandidateView } from './report-data.js';

export type CandidateViewer = (candidate: unknown) => CandidateView;

const rawJson: CandidateViewer = (candidate) => ({ text: JSON.stringify(candidate) });

export async function candidateViewer(dir: string): Promise<CandidateViewer> {
  try {
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { domain: string; domainOptions?: Record<string, unknown> };
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
