import type { PartResult } from './part.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const COLORS: Record<string, string> = {
  raw: '#888888',
  ssekit: '#2563eb',
  'ssekit-hub': '#7c3aed',
  'ssekit-coalesce': '#0891b2',
  'better-sse': '#ea580c',
  hono: '#dc2626',
  'express-zod-api': '#65a30d',
};
const PALETTE = ['#2563eb', '#7c3aed', '#0891b2', '#ea580c', '#dc2626', '#65a30d', '#ca8a04'];

/**
 * A horizontal bar chart of median ratios to the baseline per scenario, with min–max whiskers and the 1.0 line.
 * Hand-written SVG: a chart library would be a dependency for one picture.
 */
export function ratioChart(part: PartResult): string {
  const rows: { group: string; impl: string; median: number; min: number; max: number; target?: number }[] = [];
  for (const s of part.scenarios) {
    for (const [impl, r] of Object.entries(s.ratios)) {
      const target = s.targets.find((t) => t.impl === impl)?.maxRatio;
      rows.push({ group: s.name, impl, median: r.median, min: r.min, max: r.max, ...(target ? { target } : {}) });
    }
  }
  const width = 760;
  const left = 260;
  const right = 80;
  const barH = 16;
  const gap = 4;
  const groupGap = 26;
  const groups = [...new Set(rows.map((r) => r.group))];
  const maxValue = Math.max(1.5, ...rows.map((r) => Math.min(r.max, 25)));
  const scale = (v: number) => left + (Math.min(v, maxValue) / maxValue) * (width - left - right);
  let y = 40;
  const body: string[] = [];
  let colorIndex = 0;
  const colorOf = (impl: string) => {
    COLORS[impl] ??= PALETTE[colorIndex++ % PALETTE.length] as string;
    return COLORS[impl];
  };
  for (const group of groups) {
    body.push(`<text x="8" y="${y + 12}" font-weight="bold">${esc(group)}</text>`);
    y += 20;
    for (const r of rows.filter((row) => row.group === group)) {
      const x0 = scale(0);
      body.push(`<text x="${left - 8}" y="${y + barH - 4}" text-anchor="end">${esc(r.impl)}</text>`);
      body.push(
        `<rect x="${x0}" y="${y}" width="${Math.max(1, scale(r.median) - x0)}" height="${barH}" fill="${colorOf(r.impl)}" opacity="0.85"/>`,
      );
      const mid = y + barH / 2;
      body.push(
        `<line x1="${scale(r.min)}" x2="${scale(r.max)}" y1="${mid}" y2="${mid}" stroke="#111" stroke-width="1.5"/>`,
      );
      body.push(`<line x1="${scale(r.min)}" x2="${scale(r.min)}" y1="${mid - 4}" y2="${mid + 4}" stroke="#111"/>`);
      body.push(`<line x1="${scale(r.max)}" x2="${scale(r.max)}" y1="${mid - 4}" y2="${mid + 4}" stroke="#111"/>`);
      if (r.target !== undefined) {
        body.push(
          `<line x1="${scale(r.target)}" x2="${scale(r.target)}" y1="${y - 2}" y2="${y + barH + 2}" stroke="#16a34a" stroke-width="2" stroke-dasharray="3 2"/>`,
        );
      }
      const label = `${r.median.toFixed(2)}×${r.max > maxValue ? ' (clipped)' : ''}`;
      body.push(`<text x="${Math.min(scale(r.max), width - right) + 6}" y="${y + barH - 4}">${label}</text>`);
      y += barH + gap;
    }
    y += groupGap - gap;
  }
  const height = y + 10;
  const one = scale(1);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="8" y="20" font-size="14" font-weight="bold">${esc(`${part.part}. ${part.title}`)}</text>`,
    `<text x="${width - 8}" y="20" text-anchor="end" fill="#555">ratio to baseline (lower is better); whiskers: min–max; green dashes: target</text>`,
    `<line x1="${one}" x2="${one}" y1="30" y2="${height - 10}" stroke="#999" stroke-dasharray="4 3"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
