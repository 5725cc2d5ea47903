/**
 * The README sections that are generated rather than written, so they cannot
 * drift from the code: the command-line reference (from the commander
 * program itself) and the sample summary (rendered from a real run's
 * summary.json, docs/sample-summary.json). `npm run readme` rewrites them;
 * test/docs/readme.test.ts checks that README.md holds what they render.
 */
import type { Command } from 'commander';
import { formatSummary } from '../src/cli/format.js';
import type { RunSummary } from '../src/record/summary.js';

export const SAMPLE_OUT_DIR = 'runs/feynman-I.6.2a-20261202-101500';

/** One table per command: every flag, with its choices and default. */
export function cliReference(program: Command): string {
  const sections: string[] = [];
  for (const command of program.commands) {
    const args = command.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`)).join(' ');
    const lines = [`**\`deja ${command.name()}${args ? ` ${args}` : ''}\`**: ${command.description()}`];
    if (command.options.length > 0) {
      lines.push('', '| flag | meaning |', '|---|---|');
      for (const option of command.options) {
        const notes = [
          option.mandatory ? 'required' : '',
          option.argChoices ? `one of ${option.argChoices.join(', ')}` : '',
          option.defaultValue !== undefined && !option.negate ? `default ${String(option.defaultValue)}` : '',
        ].filter(Boolean);
        lines.push(`| \`${option.flags}\` | ${option.description.replaceAll('|', '\\|')}${notes.length ? ` (${notes.join('; ')})` : ''} |`);
      }
    }
    sections.push(lines.join('\n'));
  }
  return sections.join('\n\n');
}

/** The summary `deja run` printed for the sample run, as a fenced block. */
export function sampleSummaryBlock(summary: RunSummary): string {
  return ['```', formatSummary(summary, SAMPLE_OUT_DIR), '```'].join('\n');
}

const markers = (name: string) => [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];

/** The lines between `<!-- name:start -->` and `<!-- name:end -->`. */
export function section(text: string, name: string): string {
  const [start, end] = markers(name);
  const from = text.indexOf(start);
  const to = text.indexOf(end, from);
  if (from < 0 || to < 0) throw new Error(`README.md: markers ${start} ... ${end} not found`);
  return text.slice(from + start.length, to).replace(/^\n/, '').replace(/\n$/, '');
}

export function replaceSection(text: string, name: string, body: string): string {
  section(text, name); // throws when the markers are missing
  const [start, end] = markers(name);
  const from = text.indexOf(start) + start.length;
  return `${text.slice(0, from)}\n${body}\n${text.slice(text.indexOf(end, from))}`;
}
