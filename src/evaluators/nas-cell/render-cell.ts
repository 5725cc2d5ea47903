/**
 * A cell as an SVG graph for reports: the pruned cell's vertices left to right
 * by depth (longest path from the input), edges as arrows, ops by colour.
 */
import { escapeXml } from '../../domain/markup.js';
import { INPUT, OUTPUT, pruneCell, type Cell } from './cell.js';

const STYLE: Record<string, { label: string; fill: string }> = {
  [INPUT]: { label: 'in', fill: '#d0d7de' },
  [OUTPUT]: { label: 'out', fill: '#d0d7de' },
  'conv3x3-bn-relu': { label: 'conv3x3', fill: '#a5c8ed' },
  'conv1x1-bn-relu': { label: 'conv1x1', fill: '#b7e1b0' },
  maxpool3x3: { label: 'maxpool', fill: '#f7c99b' },
};
const W = 78;
const H = 26;
const GAP_X = 34;
const GAP_Y = 12;

/** Depth of each vertex: the longest path to it from the input (rows are in topological order). */
function depths(matrix: readonly (readonly number[])[]): number[] {
  const depth = matrix.map(() => 0);
  for (let v = 1; v < matrix.length; v++) {
    for (let u = 0; u < v; u++) if (matrix[u][v]) depth[v] = Math.max(depth[v], depth[u] + 1);
  }
  return depth;
}

export function renderCell(cell: Cell): string {
  const { matrix, ops } = pruneCell(cell);
  if (ops.length === 0) return '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="24"><text x="4" y="16" font-size="12">empty cell</text></svg>';
  const depth = depths(matrix);
  const rows = new Map<number, number>();
  const pos = depth.map((d) => {
    const row = rows.get(d) ?? 0;
    rows.set(d, row + 1);
    return { x: 4 + d * (W + GAP_X), y: 4 + row * (H + GAP_Y) };
  });
  const width = 8 + (Math.max(...depth) + 1) * (W + GAP_X) - GAP_X;
  const height = 8 + Math.max(...rows.values()) * (H + GAP_Y) - GAP_Y;
  const edges: string[] = [];
  for (let u = 0; u < ops.length; u++) {
    for (let v = u + 1; v < ops.length; v++) {
      if (!matrix[u][v]) continue;
      const [x1, y1, x2, y2] = [pos[u].x + W, pos[u].y + H / 2, pos[v].x, pos[v].y + H / 2];
      const bend = (x2 - x1) / 2;
      edges.push(`<path d="M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2 - 2},${y2}" marker-end="url(#arrow)"/>`);
    }
  }
  const nodes = ops.map((op, i) => {
    const s = STYLE[op] ?? { label: op, fill: '#eee' };
    return `<g transform="translate(${pos[i].x},${pos[i].y})"><rect width="${W}" height="${H}" rx="5" fill="${s.fill}" stroke="#57606a"/>`
      + `<text x="${W / 2}" y="${H / 2 + 4}" text-anchor="middle">${escapeXml(s.label)}</text></g>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`
    + '<defs><marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#57606a"/></marker></defs>'
    + `<g fill="none" stroke="#57606a" stroke-width="1.3">${edges.join('')}</g>${nodes.join('')}</svg>`;
}
