import { escapeHtml } from './admin-access';

/**
 * The dashboard's charts, drawn here as inline SVG on the server. Chosen over a bundled
 * chart library: no dependency to ship or audit, nothing loaded from a CDN (these
 * machines have no internet), no client JavaScript to fail, and the page is complete the
 * moment it arrives (fast at any data size, printable, readable without scripts).
 */

/** Colours told apart by everyone, colour-blind readers too (Okabe & Ito), in the order series take them. */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#6A3D9A',
  '#7F6A00',
  '#4b5563',
];

/** Colours with a meaning of their own: good / bad / still running, and ordered scales. */
export const TONES = {
  met: '#009E73',
  breached: '#D55E00',
  pending: '#9ca3af',
  /** Ratings 1 to 5, bad to good. */
  ratings: ['#b2182b', '#ef8a62', '#bababa', '#67a9cf', '#2166ac'],
  /** Ages, young to old. */
  ages: ['#fdd49e', '#fdbb84', '#fc8d59', '#e34a33', '#b30000'],
  stages: ['#0072B2', '#CC79A7', '#009E73', '#D55E00'],
};

export interface Series {
  label: string;
  values: Array<number | null>;
  color?: string;
}

const round = (n: number) => Math.round(n * 10) / 10;

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * power >= value) ?? 10;
  return step * power;
}

/** For counts: the top of the axis as four whole-number steps (0, 2, 4, 6, 8 rather than 0, 0.5...). */
export function countMax(value: number): number {
  if (value <= 0) return 4;
  const rough = Math.ceil(value / 4);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((s) => s * power).find((s) => s >= rough) ?? rough;
  return step * 4;
}

/** A mark that opens the matching list when `href` is given. */
const linked = (href: string | undefined, mark: string) =>
  href ? `<a href="${escapeHtml(href)}" class="drill">${mark}</a>` : mark;

function frame(title: string, width: number, height: number, body: string): string {
  return `<figure class="chart"><svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(title)}</title>${body}</svg><figcaption>${escapeHtml(title)}</figcaption></figure>`;
}

function legend(series: Array<{ label: string; color: string }>, x: number, y: number): string {
  let offset = 0;
  return series
    .map((s) => {
      const item = `<rect x="${x + offset}" y="${y - 9}" width="10" height="10" rx="2" fill="${s.color}"/><text x="${x + offset + 14}" y="${y}" class="legend">${escapeHtml(s.label)}</text>`;
      // Chinese characters take about twice the width of Latin ones at this size.
      offset += 24 + [...s.label].reduce((w, c) => w + (c.charCodeAt(0) > 0x2e80 ? 12 : 7), 0);
      return item;
    })
    .join('');
}

function yAxis(
  left: number,
  top: number,
  plotWidth: number,
  plotHeight: number,
  min: number,
  max: number,
  format: (n: number) => string,
) {
  let out = '';
  for (let i = 0; i <= 4; i++) {
    const value = min + ((max - min) * i) / 4;
    const y = round(top + plotHeight - (plotHeight * i) / 4);
    out += `<line x1="${left}" x2="${left + plotWidth}" y1="${y}" y2="${y}" class="grid"/><text x="${left - 6}" y="${y + 4}" text-anchor="end" class="tick">${escapeHtml(format(value))}</text>`;
  }
  return out;
}

/** A line per series over shared x labels (e.g. quarters); gaps where a value is null. */
export function lineChart(options: {
  title: string;
  labels: string[];
  series: Series[];
  min?: number;
  max?: number;
  format?: (n: number) => string;
  /** A dashed reference line, e.g. index 1.0 = expectation met. */
  reference?: { value: number; label: string };
}): string {
  const width = 560;
  const height = 280;
  const left = 52;
  const top = 34;
  const plotWidth = width - left - 20;
  const plotHeight = height - top - 40;
  const values = options.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const min = options.min ?? Math.min(0, ...values);
  const max = options.max ?? niceMax(Math.max(...values, options.reference?.value ?? 0, 0.0001));
  const format = options.format ?? ((n: number) => String(round(n)));
  const x = (i: number) =>
    round(
      left + (options.labels.length <= 1 ? plotWidth / 2 : (plotWidth * i) / (options.labels.length - 1)),
    );
  const y = (v: number) => round(top + plotHeight - ((v - min) / (max - min || 1)) * plotHeight);
  let body = yAxis(left, top, plotWidth, plotHeight, min, max, format);
  options.labels.forEach((labelText, i) => {
    body += `<text x="${x(i)}" y="${height - 18}" text-anchor="middle" class="tick">${escapeHtml(labelText)}</text>`;
  });
  if (options.reference) {
    const ry = y(options.reference.value);
    body += `<line x1="${left}" x2="${left + plotWidth}" y1="${ry}" y2="${ry}" class="reference"/><text x="${left + plotWidth}" y="${ry - 4}" text-anchor="end" class="tick">${escapeHtml(options.reference.label)}</text>`;
  }
  const colored = options.series.map((s, i) => ({
    ...s,
    color: s.color ?? (PALETTE[i % PALETTE.length] as string),
  }));
  for (const s of colored) {
    let path = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      path += `${pen ? 'L' : 'M'}${x(i)},${y(v)}`;
      pen = true;
    });
    if (path) body += `<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2.5"/>`;
    s.values.forEach((v, i) => {
      if (v !== null)
        body += `<circle cx="${x(i)}" cy="${y(v)}" r="3.5" fill="${s.color}"><title>${escapeHtml(`${s.label} ${options.labels[i] ?? ''}: ${format(v)}`)}</title></circle>`;
    });
  }
  body += legend(colored, left, 16);
  return frame(options.title, width, height, body);
}

/** Vertical columns, one per item (e.g. cases per month). */
export function columnChart(options: {
  title: string;
  items: Array<{ label: string; value: number; color?: string; href?: string }>;
  format?: (n: number) => string;
  /** Whole numbers: integer ticks. */
  count?: boolean;
}): string {
  const width = 560;
  const height = 280;
  const left = 52;
  const top = 20;
  const plotWidth = width - left - 16;
  const plotHeight = height - top - 56;
  const highest = Math.max(0, ...options.items.map((i) => i.value));
  const max = options.count ? countMax(highest) : niceMax(highest);
  const format = options.format ?? ((n: number) => String(round(n)));
  const slot = plotWidth / Math.max(1, options.items.length);
  const bar = Math.min(48, slot * 0.7);
  let body = yAxis(left, top, plotWidth, plotHeight, 0, max, format);
  const slanted = options.items.length > 8;
  options.items.forEach((item, i) => {
    const h = round((item.value / max) * plotHeight);
    const cx = round(left + slot * i + slot / 2);
    body += linked(
      item.href,
      `<rect x="${round(cx - bar / 2)}" y="${round(top + plotHeight - h)}" width="${round(bar)}" height="${Math.max(h, 1)}" rx="2" fill="${item.color ?? PALETTE[0]}"><title>${escapeHtml(`${item.label}: ${format(item.value)}`)}</title></rect>`,
    );
    body += `<text x="${cx}" y="${round(top + plotHeight - h - 4)}" text-anchor="middle" class="value">${escapeHtml(format(item.value))}</text>`;
    body += slanted
      ? `<text x="${cx}" y="${top + plotHeight + 14}" text-anchor="end" transform="rotate(-35 ${cx} ${top + plotHeight + 14})" class="tick">${escapeHtml(item.label)}</text>`
      : `<text x="${cx}" y="${top + plotHeight + 16}" text-anchor="middle" class="tick">${escapeHtml(item.label)}</text>`;
  });
  return frame(options.title, width, height, body);
}

/** Horizontal bars, largest first (e.g. cases per category). */
export function barChart(options: {
  title: string;
  items: Array<{ label: string; value: number; href?: string }>;
  format?: (n: number) => string;
  color?: string;
}): string {
  const items = [...options.items].sort((a, b) => b.value - a.value);
  // Narrow on purpose: on a phone the chart is drawn about 340 px wide and its words must stay legible.
  const width = 440;
  const rowHeight = 24;
  const left = 118;
  const height = 16 + Math.max(1, items.length) * rowHeight;
  const plotWidth = width - left - 44;
  const max = Math.max(1, ...items.map((i) => i.value));
  const format = options.format ?? ((n: number) => String(round(n)));
  let body = '';
  items.forEach((item, i) => {
    const y = 8 + i * rowHeight;
    const w = round((item.value / max) * plotWidth);
    body += linked(
      item.href,
      `<text x="${left - 8}" y="${y + 15}" text-anchor="end" class="tick">${escapeHtml(item.label)}</text><rect x="${left}" y="${y + 3}" width="${Math.max(w, 1)}" height="${rowHeight - 8}" rx="2" fill="${options.color ?? PALETTE[0]}"><title>${escapeHtml(`${item.label}: ${format(item.value)}`)}</title></rect>`,
    );
    body += `<text x="${left + w + 6}" y="${y + 15}" class="value">${escapeHtml(format(item.value))}</text>`;
  });
  if (items.length === 0) body = `<text x="${width / 2}" y="26" text-anchor="middle" class="tick">—</text>`;
  return frame(options.title, width, height, body);
}

/** Columns stacked from parts (e.g. SLA met / breached / running per quarter). */
export function stackedChart(options: {
  title: string;
  labels: string[];
  stacks: Series[];
  /** Show each column as shares of 100%. */
  share?: boolean;
  /** The list behind one segment: the column's index and the stack's. */
  href?: (column: number, stack: number) => string;
}): string {
  const width = 560;
  const height = 280;
  const left = 52;
  const top = 34;
  const plotWidth = width - left - 16;
  const plotHeight = height - top - 40;
  const totals = options.labels.map((_, i) => options.stacks.reduce((n, s) => n + (s.values[i] ?? 0), 0));
  const max = options.share ? 1 : countMax(Math.max(0, ...totals));
  const format = options.share ? (n: number) => `${Math.round(n * 100)}%` : (n: number) => String(round(n));
  const slot = plotWidth / Math.max(1, options.labels.length);
  const bar = Math.min(56, slot * 0.6);
  const colored = options.stacks.map((s, i) => ({
    ...s,
    color: s.color ?? (PALETTE[i % PALETTE.length] as string),
  }));
  let body = yAxis(left, top, plotWidth, plotHeight, 0, max, format);
  options.labels.forEach((labelText, i) => {
    const cx = left + slot * i + slot / 2;
    let base = top + plotHeight;
    colored.forEach((s, k) => {
      const raw = s.values[i] ?? 0;
      const value = options.share ? (totals[i] ? raw / (totals[i] as number) : 0) : raw;
      const h = round((value / max) * plotHeight);
      const shown = options.share ? ` (${Math.round(value * 100)}%)` : '';
      if (h > 0)
        body += linked(
          options.href?.(i, k),
          `<rect x="${round(cx - bar / 2)}" y="${round(base - h)}" width="${round(bar)}" height="${h}" fill="${s.color}"><title>${escapeHtml(`${labelText} ${s.label}: ${raw}${shown}`)}</title></rect>`,
        );
      base -= h;
    });
    body += `<text x="${round(cx)}" y="${height - 18}" text-anchor="middle" class="tick">${escapeHtml(labelText)}</text>`;
  });
  body += legend(colored, left, 16);
  return frame(options.title, width, height, body);
}
