// Publication charts, phase two: a ChartModel as a standalone SVG document — axes with nice ticks,
// markers, error bars with caps, lines, bars, reference lines, legend, title and notes, in Times
// New Roman (SimSun for Chinese). The output is a pure function of the model and the options: no
// ids, no dates, coordinates rounded to 0.01 px, so the same chart gives the same bytes.
// Classes name every mark (marker, error-bar, tick-label, …) for tests and for styling after export.
import { type ChartMarker, type ChartModel, type ChartSeries, chartColor, chartMarker } from './model.js';
import { type AxisScale, axisScale, textWidth, wrapText } from './scale.js';

export interface SvgOptions {
  /** Width in px (default 640); the height follows from the number of categories unless given. */
  width?: number;
  height?: number;
  fontSize?: number;
}

export const CHART_FONT_FAMILY = "'Times New Roman', Times, SimSun, 'Songti SC', serif";

const r2 = (v: number): string => {
  const s = (Math.round(v * 100) / 100).toFixed(2).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
};
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const attrs = (a: Record<string, string | number | undefined>): string =>
  Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? r2(v) : esc(v as string)}"`)
    .join('');
const el = (tag: string, a: Record<string, string | number | undefined>, text?: string): string => (text === undefined ? `<${tag}${attrs(a)}/>` : `<${tag}${attrs(a)}>${esc(text)}</${tag}>`);

function markerSvg(kind: ChartMarker, x: number, y: number, color: string, extra: Record<string, string>): string {
  const open = kind.endsWith('-open');
  const paint = { fill: open ? '#ffffff' : color, stroke: color, 'stroke-width': 1.2, ...extra };
  const s = 4;
  switch (kind) {
    case 'circle':
    case 'circle-open':
      return el('circle', { class: 'marker', cx: x, cy: y, r: s, ...paint });
    case 'square':
    case 'square-open':
      return el('rect', { class: 'marker', x: x - s, y: y - s, width: 2 * s, height: 2 * s, ...paint });
    case 'triangle':
      return el('path', { class: 'marker', d: `M${r2(x)},${r2(y - s - 1)}L${r2(x + s + 0.5)},${r2(y + s - 1)}L${r2(x - s - 0.5)},${r2(y + s - 1)}Z`, ...paint });
    case 'diamond':
      return el('path', { class: 'marker', d: `M${r2(x)},${r2(y - s - 1)}L${r2(x + s + 1)},${r2(y)}L${r2(x)},${r2(y + s + 1)}L${r2(x - s - 1)},${r2(y)}Z`, ...paint });
  }
}

interface Layout {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  legendRows: { name: string; index: number; x: number }[][];
  noteLines: string[];
}

function layout(model: ChartModel, o: Required<Omit<SvgOptions, 'height'>> & { height?: number }): Layout {
  const fs = o.fontSize;
  const tick = fs - 1;
  const width = o.width;
  // left margin: the widest y tick label (categories can be long) plus the axis title
  const yTicks = model.y.categories ?? ['−0.000'];
  const yLabelW = Math.max(...yTicks.map((t) => textWidth(t, tick)));
  const left = Math.ceil(Math.min(width * 0.4, yLabelW + 14 + (model.y.label ? fs + 10 : 0)));
  const right = 24;
  const top = model.title ? Math.ceil(fs * 1.3 + 22) : 16;
  // legend rows (items flow left to right), then wrapped notes, under the x axis title
  const legendRows: Layout['legendRows'] = [];
  if (model.legend && model.series.length > 0) {
    let row: Layout['legendRows'][number] = [];
    let x = 0;
    model.series.forEach((s, index) => {
      const w = 30 + textWidth(s.name, tick) + 18;
      if (row.length > 0 && x + w > width - left - right) {
        legendRows.push(row);
        row = [];
        x = 0;
      }
      row.push({ name: s.name, index, x });
      x += w;
    });
    legendRows.push(row);
  }
  const noteLines = model.notes.flatMap((n) => wrapText(n, fs - 2, width - 2 * 12));
  const bottom = Math.ceil(tick + 14 + (model.x.label ? fs + 12 : 0) + legendRows.length * (fs + 8) + (legendRows.length > 0 ? 6 : 0) + noteLines.length * (fs + 2) + 12);
  const nCat = model.y.categories?.length ?? 0;
  const plotH = nCat > 0 ? Math.max(160, nCat * Math.max(26, model.series.length * 12 + 8)) : Math.round(width * 0.55);
  return { width, height: o.height ?? top + plotH + bottom, left, right, top, bottom, legendRows, noteLines };
}

function seriesSvg(s: ChartSeries, i: number, sx: AxisScale, sy: AxisScale): string {
  const color = chartColor(s, i);
  const parts: string[] = [];
  const dash = s.dash ? '6 4' : undefined;
  if (s.type === 'bars') {
    for (const p of s.points) {
      const x0 = sx.map(p.x);
      const x1 = sx.map(p.x2 ?? p.x);
      const y0 = sy.map(0);
      const y1 = sy.map(p.y);
      parts.push(el('rect', { class: 'bar', x: Math.min(x0, x1), y: Math.min(y0, y1), width: Math.abs(x1 - x0), height: Math.abs(y1 - y0), fill: '#d9d9d9', stroke: '#4d4d4d', 'stroke-width': 0.8, 'data-value': String(p.y) }));
    }
  } else if (s.type === 'line' || s.connect) {
    const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).map((p) => `${r2(sx.map(p.x))},${r2(sy.map(p.y))}`);
    if (pts.length > 1) parts.push(el('polyline', { class: s.type === 'line' ? 'line' : 'connector', points: pts.join(' '), fill: 'none', stroke: color, 'stroke-width': s.type === 'line' ? 1.6 : 1, 'stroke-dasharray': dash }));
  }
  if (s.type === 'points') {
    const along = s.errorAxis ?? 'y';
    for (const p of s.points) {
      if (p.low === undefined || p.high === undefined) continue;
      const cap = 4;
      if (along === 'x') {
        const y = sy.map(p.y);
        const a = sx.map(p.low);
        const b = sx.map(p.high);
        parts.push(el('line', { class: 'error-bar', x1: a, y1: y, x2: b, y2: y, stroke: color, 'stroke-width': 1.2, 'data-term': p.label }));
        parts.push(el('line', { class: 'error-cap', x1: a, y1: y - cap, x2: a, y2: y + cap, stroke: color, 'stroke-width': 1.2 }), el('line', { class: 'error-cap', x1: b, y1: y - cap, x2: b, y2: y + cap, stroke: color, 'stroke-width': 1.2 }));
      } else {
        const x = sx.map(p.x);
        const a = sy.map(p.low);
        const b = sy.map(p.high);
        parts.push(el('line', { class: 'error-bar', x1: x, y1: a, x2: x, y2: b, stroke: color, 'stroke-width': 1.2, 'data-term': p.label }));
        parts.push(el('line', { class: 'error-cap', x1: x - cap, y1: a, x2: x + cap, y2: a, stroke: color, 'stroke-width': 1.2 }), el('line', { class: 'error-cap', x1: x - cap, y1: b, x2: x + cap, y2: b, stroke: color, 'stroke-width': 1.2 }));
      }
    }
    const mk = chartMarker(s, i);
    for (const p of s.points) {
      if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
      parts.push(markerSvg(p.label === 'reference' ? 'circle-open' : mk, sx.map(p.x), sy.map(p.y), color, p.label ? { 'data-term': p.label } : {}));
    }
  }
  return `<g class="series" data-name="${esc(s.name)}">${parts.join('')}</g>`;
}

/** The chart as an SVG document (UTF-8 text, no XML declaration needed). */
export function renderSvg(model: ChartModel, options: SvgOptions = {}): string {
  const o = { width: options.width ?? 640, fontSize: options.fontSize ?? 13, ...(options.height ? { height: options.height } : {}) };
  const L = layout(model, o);
  const fs = o.fontSize;
  const tick = fs - 1;
  const px0 = L.left;
  const px1 = L.width - L.right;
  const py0 = L.top;
  const py1 = L.height - L.bottom;
  const sx = axisScale(model, 'x', px0, px1);
  // y grows upwards for values; a category axis lists its first category on top
  const sy = model.y.categories ? axisScale(model, 'y', py0, py1) : axisScale(model, 'y', py1, py0);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${L.width}" height="${L.height}" viewBox="0 0 ${L.width} ${L.height}" font-family="${esc(CHART_FONT_FAMILY)}" font-size="${fs}" data-kind="${model.kind}">`);
  out.push(el('rect', { class: 'background', x: 0, y: 0, width: L.width, height: L.height, fill: '#ffffff' }));
  if (model.title) out.push(el('text', { class: 'title', x: L.width / 2, y: fs * 1.3 + 6, 'text-anchor': 'middle', 'font-size': fs + 2, 'font-weight': 'bold' }, model.title));
  // light grid on the value axis, then the axes (left and bottom, as journals print them)
  const grid: string[] = [];
  if (!model.x.categories) for (const t of sx.ticks) grid.push(el('line', { class: 'grid', x1: sx.map(t.value), y1: py0, x2: sx.map(t.value), y2: py1, stroke: '#ececec', 'stroke-width': 0.8 }));
  if (!model.y.categories) for (const t of sy.ticks) grid.push(el('line', { class: 'grid', x1: px0, y1: sy.map(t.value), x2: px1, y2: sy.map(t.value), stroke: '#ececec', 'stroke-width': 0.8 }));
  out.push(`<g class="grid-lines">${grid.join('')}</g>`);
  out.push(el('line', { class: 'axis x-axis', x1: px0, y1: py1, x2: px1, y2: py1, stroke: '#000000', 'stroke-width': 1 }));
  out.push(el('line', { class: 'axis y-axis', x1: px0, y1: py0, x2: px0, y2: py1, stroke: '#000000', 'stroke-width': 1 }));
  const xt: string[] = [];
  for (const t of sx.ticks) {
    const x = sx.map(t.value);
    xt.push(el('line', { class: 'tick', 'data-axis': 'x', 'data-value': String(t.value), x1: x, y1: py1, x2: x, y2: py1 + 5, stroke: '#000000' }));
    xt.push(el('text', { class: 'tick-label', 'data-axis': 'x', 'data-value': String(t.value), x, y: py1 + 7 + tick, 'text-anchor': 'middle', 'font-size': tick }, t.text));
  }
  out.push(`<g class="ticks x-ticks">${xt.join('')}</g>`);
  const yt: string[] = [];
  for (const t of sy.ticks) {
    const y = sy.map(t.value);
    yt.push(el('line', { class: 'tick', 'data-axis': 'y', 'data-value': String(t.value), x1: px0 - 5, y1: y, x2: px0, y2: y, stroke: '#000000' }));
    yt.push(el('text', { class: 'tick-label', 'data-axis': 'y', 'data-value': String(t.value), x: px0 - 8, y: y + tick * 0.35, 'text-anchor': 'end', 'font-size': tick }, t.text));
  }
  out.push(`<g class="ticks y-ticks">${yt.join('')}</g>`);
  if (model.x.label) out.push(el('text', { class: 'axis-label x-label', x: (px0 + px1) / 2, y: py1 + tick + 14 + fs + 4, 'text-anchor': 'middle' }, model.x.label));
  if (model.y.label) {
    const cx = fs;
    const cy = (py0 + py1) / 2;
    out.push(el('text', { class: 'axis-label y-label', x: cx, y: cy, 'text-anchor': 'middle', transform: `rotate(-90 ${r2(cx)} ${r2(cy)})` }, model.y.label));
  }
  // reference lines under the data
  const refs: string[] = [];
  for (const r of model.refLines) {
    if (r.axis === 'x') refs.push(el('line', { class: 'ref-line', 'data-axis': 'x', x1: sx.map(r.value), y1: py0, x2: sx.map(r.value), y2: py1, stroke: '#7f7f7f', 'stroke-width': 1, 'stroke-dasharray': r.dash ? '4 3' : undefined }));
    else refs.push(el('line', { class: 'ref-line', 'data-axis': 'y', x1: px0, y1: sy.map(r.value), x2: px1, y2: sy.map(r.value), stroke: '#7f7f7f', 'stroke-width': 1, 'stroke-dasharray': r.dash ? '4 3' : undefined }));
  }
  out.push(`<g class="ref-lines">${refs.join('')}</g>`);
  out.push(`<g class="plot">${model.series.map((s, i) => seriesSvg(s, i, sx, sy)).join('')}</g>`);
  // legend and notes
  let y = py1 + tick + 14 + (model.x.label ? fs + 12 : 0) + 6;
  if (L.legendRows.length > 0) {
    const items: string[] = [];
    for (const row of L.legendRows) {
      const rowW = row.length > 0 ? row[row.length - 1].x + 30 + textWidth(row[row.length - 1].name, tick) : 0;
      const x0 = (px0 + px1) / 2 - rowW / 2;
      const cy = y + fs / 2;
      for (const it of row) {
        const s = model.series[it.index];
        const color = chartColor(s, it.index);
        const x = x0 + it.x;
        const sym: string[] = [];
        if (s.type === 'line' || s.connect) sym.push(el('line', { x1: x, y1: cy, x2: x + 24, y2: cy, stroke: color, 'stroke-width': s.type === 'line' ? 1.6 : 1, 'stroke-dasharray': s.dash ? '6 4' : undefined }));
        if (s.type === 'points') sym.push(markerSvg(chartMarker(s, it.index), x + 12, cy, color, {}).replace('class="marker"', 'class="legend-marker"'));
        if (s.type === 'bars') sym.push(el('rect', { x: x + 4, y: cy - 5, width: 16, height: 10, fill: '#d9d9d9', stroke: '#4d4d4d', 'stroke-width': 0.8 }));
        items.push(`<g class="legend-item">${sym.join('')}${el('text', { x: x + 30, y: cy + tick * 0.35, 'font-size': tick }, s.name)}</g>`);
      }
      y += fs + 8;
    }
    out.push(`<g class="legend">${items.join('')}</g>`);
    y += 6;
  }
  for (const line of L.noteLines) {
    y += fs + 2;
    out.push(el('text', { class: 'note', x: 12, y: y - 4, 'font-size': fs - 2 }, line));
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
