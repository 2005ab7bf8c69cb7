// Deterministic generator of a firm-year panel shaped like seed paper 003: unbalanced with gaps,
// ~40,000 firms per 233,819 rows, years 2001–2007 and 2011–2015, 30 industries, 300 cities,
// staggered platform adoption, 6 controls; y has firm, industry×year and city×year effects.
// True effect of `platform` is 0.05; control slopes are CONTROL_BETA.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export const YEARS = [2001, 2002, 2003, 2004, 2005, 2006, 2007, 2011, 2012, 2013, 2014, 2015];
export const TRUE_PLATFORM_EFFECT = 0.05;
export const CONTROL_BETA = [0.3, -0.2, 0.1, 0.05, -0.15, 0.25];

export interface Panel {
  rows: number;
  firms: number;
  columns: Record<string, Float64Array>;
}

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function normal(u: () => number): () => number {
  return () => {
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    return r * Math.cos(2 * Math.PI * u());
  };
}

export function generatePanel(rows: number, seed = 1): Panel {
  const u = rng(seed);
  const z = normal(u);
  const names = ['firm', 'year', 'industry', 'city', 'platform', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'y'];
  const columns: Record<string, Float64Array> = {};
  for (const n of names) columns[n] = new Float64Array(rows);
  const T = YEARS.length;
  const indYear = Float64Array.from({ length: 30 * T }, () => 0.2 * z());
  const cityYear = Float64Array.from({ length: 300 * T }, () => 0.2 * z());
  let r = 0;
  let firm = 0;
  while (r < rows) {
    firm++;
    const len = 1 + Math.floor(u() * 10.7);
    const start = Math.floor(u() * (T - Math.min(len, T) + 1));
    const industry = 1 + Math.floor(u() * 30);
    const city = 1 + Math.floor(u() * 300);
    const adopt = u() < 0.4 ? YEARS[Math.floor(u() * T)] : Infinity;
    const alpha = z();
    const xm = CONTROL_BETA.map(() => 0.5 * z() + 0.3 * alpha);
    for (let t = start; t < Math.min(T, start + len) && r < rows; t++) {
      if (t > start && u() < 0.05) continue; // a gap year
      const year = YEARS[t];
      const platform = year >= adopt ? 1 : 0;
      columns.firm[r] = firm;
      columns.year[r] = year;
      columns.industry[r] = industry;
      columns.city[r] = city;
      columns.platform[r] = platform;
      let y = alpha + indYear[(industry - 1) * T + t] + cityYear[(city - 1) * T + t] + TRUE_PLATFORM_EFFECT * platform + 0.5 * z();
      for (let j = 0; j < 6; j++) {
        const x = xm[j] + z();
        columns[`x${j + 1}`][r] = x;
        y += CONTROL_BETA[j] * x;
      }
      columns.y[r] = y;
      r++;
    }
  }
  return { rows, firms: firm, columns };
}

export async function writePanelCsv(panel: Panel, path: string): Promise<void> {
  const names = Object.keys(panel.columns);
  const out = createWriteStream(path);
  out.write(`${names.join(',')}\n`);
  const cols = names.map((n) => panel.columns[n]);
  const BATCH = 10_000;
  for (let start = 0; start < panel.rows; start += BATCH) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(panel.rows, start + BATCH); i++) lines.push(cols.map((c) => String(c[i])).join(','));
    if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}
