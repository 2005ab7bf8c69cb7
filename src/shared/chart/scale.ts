// Axis arithmetic shared by the renderers: nice tick numbers (Heckbert, "Nice numbers for graph
// labels", Graphics Gems 1990), data extents of a chart model, and a deterministic text-width
// estimate (no font metrics without a DOM: Latin ≈ 0.55 em, CJK 1 em).
import type { ChartAxis, ChartModel } from './model.js';

/** The 1, 2 or 5 × 10^k nearest to x (Heckbert's rounding rule). */
function niceNumber(x: number): number {
  const e = Math.floor(Math.log10(x));
  const f = x / 10 ** e;
  const nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  return nf * 10 ** e;
}

export interface Ticks {
  min: number;
  max: number;
  step: number;
  values: number[];
  decimals: number;
}

/** Ticks at multiples of 1, 2 or 5 × 10^k covering [lo, hi], about `target` of them. */
export function niceTicks(lo: number, hi: number, target = 5, integer = false): Ticks {
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  let step = niceNumber((hi - lo) / Math.max(1, target - 1));
  if (integer) step = Math.max(1, Math.round(step));
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const clean = (v: number) => Number(v.toFixed(Math.min(decimals + 2, 20)));
  const min = clean(Math.floor(lo / step + 1e-9) * step);
  const max = clean(Math.ceil(hi / step - 1e-9) * step);
  const values: number[] = [];
  for (let i = 0; ; i++) {
    const v = clean(min + i * step);
    if (v > max + step * 1e-9) break;
    values.push(v);
  }
  return { min, max, step, values, decimals };
}

export function formatTick(v: number, decimals: number): string {
  const s = v.toFixed(decimals);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s.replace('-', '−');
}

/** Extent of everything drawn along one axis: points, interval ends, bar edges, reference lines. */
export function dataExtent(model: ChartModel, axis: 'x' | 'y'): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  const see = (v: number | undefined) => {
    if (v === undefined || !Number.isFinite(v)) return;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  };
  for (const s of model.series) {
    for (const p of s.points) {
      see(p[axis]);
      if ((s.errorAxis ?? 'y') === axis) {
        see(p.low);
        see(p.high);
      }
      if (axis === 'x') see(p.x2);
      if (axis === 'y' && s.type === 'bars') see(0);
    }
  }
  for (const r of model.refLines) if (r.axis === axis) see(r.value);
  const a: ChartAxis = model[axis];
  see(a.min);
  see(a.max);
  if (!Number.isFinite(lo)) return [0, 1];
  return [lo, hi];
}

export interface AxisScale {
  /** Data → pixel. */
  map: (v: number) => number;
  domain: [number, number];
  /** Ticks: value (position for categories) and text. */
  ticks: { value: number; text: string }[];
}

/**
 * One axis's scale onto [p0, p1] pixels (p0 maps the domain's low end). Category axes span
 * [−0.5, n − 0.5]; integer axes with few values get one tick per value; others nice ticks.
 */
export function axisScale(model: ChartModel, axis: 'x' | 'y', p0: number, p1: number): AxisScale {
  const a = model[axis];
  let lo: number;
  let hi: number;
  let ticks: { value: number; text: string }[];
  if (a.categories) {
    lo = -0.5;
    hi = a.categories.length - 0.5;
    ticks = a.categories.map((text, i) => ({ value: i, text }));
  } else {
    const [dlo, dhi] = dataExtent(model, axis);
    if (a.integer && dhi - dlo <= 16) {
      // points dodged around whole periods (< 0.5 away) still belong to their period
      const first = Math.round(dlo);
      const last = Math.round(dhi);
      lo = first - 0.5;
      hi = last + 0.5;
      ticks = [];
      for (let v = first; v <= last; v++) ticks.push({ value: v, text: formatTick(v, 0) });
    } else {
      // an explicit range (densities) is kept; a data range gets nice end points
      const t = niceTicks(dlo, dhi, 6, a.integer === true);
      lo = a.min !== undefined ? Math.min(a.min, dlo) : t.min;
      hi = a.max !== undefined ? Math.max(a.max, dhi) : t.max;
      ticks = t.values.filter((v) => v >= lo - 1e-12 && v <= hi + 1e-12).map((v) => ({ value: v, text: formatTick(v, t.decimals) }));
    }
  }
  const span = hi - lo;
  return { map: (v) => p0 + ((v - lo) / span) * (p1 - p0), domain: [lo, hi], ticks };
}

const WIDE = /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f]/;

/** Estimated advance width of a text at a font size (deterministic; for layout only). */
export function textWidth(text: string, size: number): number {
  let w = 0;
  for (const ch of text) w += WIDE.test(ch) ? 1 : 0.55;
  return w * size;
}

/** Greedy line wrap by estimated width; CJK text may break anywhere, other text at spaces. */
export function wrapText(text: string, size: number, width: number): string[] {
  const tokens = text.match(/[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]|[^\s\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]+\s*|\s+/g) ?? [text];
  const lines: string[] = [];
  let line = '';
  for (const tok of tokens) {
    if (line !== '' && textWidth((line + tok).trimEnd(), size) > width) {
      lines.push(line.trimEnd());
      line = tok.trimStart();
    } else line += tok;
  }
  if (line.trim() !== '') lines.push(line.trimEnd());
  return lines;
}
