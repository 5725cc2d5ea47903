/**
 * The HTML page: one file with the bundled dashboard script (uPlot inside),
 * its styles, and either the report's data inlined (`deja report`) or nothing
 * (`deja serve`: the page polls the server). No network requests either way.
 */
import { readFileSync } from 'node:fs';
import type { ReportData } from './report-data.js';

function asset(name: string): string {
  try {
    return readFileSync(new URL(`./client/${name}`, import.meta.url), 'utf8');
  } catch {
    throw new Error(`report page asset ${name} missing: run \`npm run build\` (it bundles src/report/client)`);
  }
}

/** JSON inside <script>: "<" is escaped so no "</script>" in the data can end the element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function reportPage(data: ReportData | null, title = 'deja report'): string {
  const inline = data ? `<script type="application/json" id="deja-data">${scriptJson(data)}</script>` : '';
  const sections: [string, string][] = [
    ['Best fitness', '<div class="grid" id="best"></div>'],
    ['Where the proposals went', '<div class="grid" id="outcomes"></div>'],
    ['What the cache saved', '<div class="grid" id="saving"></div>'],
    ['Equivalence classes', '<div class="grid" id="classes"></div><div id="class-tables"></div>'],
    ['Where the time went', '<div id="time"></div>'],
    ['Best candidates and configuration', '<div id="config"></div>'],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<title>${title.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)}</title>
<style>${asset('dashboard.css')}</style>
</head><body>
<header><h1>deja</h1><span class="sub" id="generated"></span><span id="status"></span></header>
<main>
<section><h2>Runs</h2><div id="runs"></div></section>
${sections.map(([h, body]) => `<section><h2>${h}</h2>${body}</section>`).join('\n')}
</main>
${inline}
<script>${asset('dashboard.js').replace(/<\/script/gi, '<\\/script')}</script>
</body></html>
`;
}
