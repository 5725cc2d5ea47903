/** Number and text formatting for the page. */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function integer(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en');
}

export function fixed(n: number | null | undefined, digits = 4): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  return abs !== 0 && (abs >= 1e6 || abs < 1e-3) ? n.toExponential(2) : n.toFixed(digits);
}

export function percent(share: number | null | undefined): string {
  return share === null || share === undefined || !Number.isFinite(share) ? '–' : `${(100 * share).toFixed(1)}%`;
}

export function seconds(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '–';
  return s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(s < 10 ? 2 : 1)} s`;
}

/** Tableau 10: distinct, colour-blind-aware run colours. */
export const RUN_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export const runColor = (i: number) => RUN_COLORS[i % RUN_COLORS.length];

export const OUTCOME_COLORS: Record<string, string> = {
  miss: '#4e79a7', 'partial-hit': '#76b7b2', 'full-hit': '#59a14f', 'in-flight-join': '#edc948', failed: '#e15759',
};
