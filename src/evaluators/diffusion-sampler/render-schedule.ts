/** A sampler's sigma schedule as a small SVG plot for reports: sigma (log scale) at each step. */
import { escapeXml } from '../../domain/markup.js';
import { describeCandidate, type SamplerCandidate, type SigmaRange } from './candidate.js';
import { sigmaGrid } from './schedules.js';

const W = 260;
const H = 120;
const PAD = { left: 38, right: 8, top: 18, bottom: 20 };

export function renderSchedule(c: SamplerCandidate, range: SigmaRange): string {
  const grid = [...sigmaGrid(c, range)];
  // A final denoise steps to sigma 0, which a log scale cannot place: drawn at the floor.
  const floor = range.sigmaMin / 2;
  const logs = grid.map((s) => Math.log10(Math.max(s, floor)));
  const [lo, hi] = [Math.log10(floor), Math.log10(range.sigmaMax)];
  const px = (i: number) => PAD.left + (i / Math.max(1, grid.length - 1)) * (W - PAD.left - PAD.right);
  const py = (l: number) => PAD.top + ((hi - l) / (hi - lo || 1)) * (H - PAD.top - PAD.bottom);
  const points = logs.map((l, i) => `${px(i).toFixed(1)},${py(l).toFixed(1)}`);
  const ticks = [range.sigmaMax, range.sigmaMin].map((s) => `<text x="${PAD.left - 4}" y="${py(Math.log10(s)) + 4}" text-anchor="end">${escapeXml(s.toPrecision(2))}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="10">`
    + `<text x="${PAD.left}" y="11" font-size="11">${escapeXml(describeCandidate(c, range))}</text>`
    + `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}" stroke="#8c959f"/>`
    + `<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" stroke="#8c959f"/>`
    + ticks.join('')
    + `<text x="${W - PAD.right}" y="${H - 6}" text-anchor="end">step ${grid.length - 1}</text><text x="${PAD.left}" y="${H - 6}">σ (log) by step</text>`
    + `<polyline fill="none" stroke="#4e79a7" stroke-width="1.5" points="${points.join(' ')}"/>`
    + points.map((p) => `<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="2.5" fill="#4e79a7"/>`).join('')
    + '</svg>';
}
