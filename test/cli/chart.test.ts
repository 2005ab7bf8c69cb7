// `panel-studio chart`: stored results (estimate --out) → an SVG coefficient plot or event study
// whose error bars end at the results' confidence bounds; errors are one line, never a trace.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EstimationResult } from '../../src/shared/result.js';
import { tempDir } from '../helpers.js';

const BIN = resolve('bin/panel-studio.mjs');
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

const attrs = (tag: string) => Object.fromEntries([...tag.matchAll(/([A-Za-z0-9:-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
const tags = (svg: string, cls: string) => [...svg.matchAll(new RegExp(`<[a-z]+ class="${cls}"[^>]*>`, 'g'))].map((m) => attrs(m[0]));

/** Pixel of a value along an axis, from the first and last tick marks the SVG carries. */
function axis(svg: string, which: 'x' | 'y'): (v: number) => number {
  const t = tags(svg, 'tick').filter((a) => a['data-axis'] === which);
  const p = (a: Record<string, string>) => Number(which === 'x' ? a.x1 : a.y1);
  const [a, b] = [t[0], t[t.length - 1]];
  return (v) => p(a) + ((v - Number(a['data-value'])) / (Number(b['data-value']) - Number(a['data-value']))) * (p(b) - p(a));
}

describe('panel-studio chart', () => {
  const dir = tempDir();
  // Grunfeld plus three made-up event-time regressors (the chart only reads their coefficients)
  const lines = readFileSync(resolve('test/reference/panel_grunfeld/data.csv'), 'utf8').trim().split('\n');
  const csv = join(dir, 'g.csv');
  writeFileSync(csv, [`${lines[0]},pre2,post0,post1`, ...lines.slice(1).map((l, i) => `${l},${(i * i * 7 + 3 * i) % 13},${(i * i * 5 + i) % 11},${(i * i * 3 + 2 * i) % 17}`)].join('\n'));
  const estimate = (name: string, spec: object) => {
    const s = join(dir, `${name}.spec.json`);
    writeFileSync(s, JSON.stringify(spec));
    const out = join(dir, `${name}.json`);
    const r = run('estimate', '--data', csv, '--spec', s, '--out', out);
    expect(r.status, r.stderr).toBe(0);
    return out;
  };
  const ols = estimate('ols', { estimator: 'ols', y: 'inv', x: ['value', 'capital'], vcov: 'robust' });
  const fe = estimate('fe', { estimator: 'hdfe', y: 'inv', x: ['value', 'capital', 'pre2', 'post0', 'post1'], absorb: ['firm', 'year'], vcov: 'cluster', cluster: ['firm'], options: { level: 0.9 } });
  const results = [ols, fe].map((f) => JSON.parse(readFileSync(f, 'utf8')) as EstimationResult);

  it('coef: one marker per model and term, error bars at the stored CI bounds, Chinese labels', () => {
    const out = join(dir, 'coef.svg');
    const r = run('chart', '--results', `${ols},${fe}`, '--kind', 'coef', '--terms', 'value,capital', '--out', out, '--lang', 'zh', '--title', '图 1');
    expect(r.status, r.stderr).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(tags(svg, 'marker')).toHaveLength(4);
    const bars = tags(svg, 'error-bar');
    expect(bars).toHaveLength(4);
    const x = axis(svg, 'x');
    let k = 0;
    for (const res of results)
      for (const term of ['value', 'capital']) {
        const c = res.coefficients.find((row) => row.term === term)!;
        expect(bars[k]['data-term']).toBe(term);
        expect(Number(bars[k].x1)).toBeCloseTo(x(c.conf_low), 1);
        expect(Number(bars[k].x2)).toBeCloseTo(x(c.conf_high), 1);
        k++;
      }
    expect(svg).toContain('>图 1</text>');
    expect(svg).toContain('>估计值</text>');
    expect(svg).toContain('95%, 90%'); // each model's own level
  });

  it('event: user-chosen terms with their periods, the reference period at 0', () => {
    const out = join(dir, 'event.svg');
    const r = run('chart', '--results', fe, '--kind', 'event', '--terms', 'pre2:-2,post0:0,post1:1', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(tags(svg, 'marker')).toHaveLength(4);
    expect(tags(svg, 'error-bar')).toHaveLength(3);
    const y = axis(svg, 'y');
    const ref = tags(svg, 'marker').find((a) => a['data-term'] === 'reference')!;
    expect(Number(ref.cy)).toBeCloseTo(y(0), 1);
    const post1 = results[1].coefficients.find((c) => c.term === 'post1')!;
    const bar = tags(svg, 'error-bar').find((a) => a['data-term'] === 'post1')!;
    expect(Number(bar.y1)).toBeCloseTo(y(post1.conf_low), 1);
    expect(svg).toContain('Reference period -1 normalised to 0.');
  });

  it('bad input: one line on stderr naming the problem', () => {
    const bad = [
      run('chart', '--results', ols, '--kind', 'pie', '--out', join(dir, 'x.svg')),
      run('chart', '--results', ols, '--terms', 'nope', '--out', join(dir, 'x.svg')),
      run('chart', '--results', ols, '--out', join(dir, 'x.png')),
      run('chart', '--results', fe, '--kind', 'event', '--terms', 'post0', '--out', join(dir, 'x.svg')),
      run('chart', '--results', ols, '--kind', 'bias', '--out', join(dir, 'x.svg')),
    ];
    for (const r of bad) {
      expect(r.status).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+/);
    }
    expect(bad[0].stderr).toContain('--kind must be one of coef, event, psm-density, bias');
    expect(bad[1].stderr).toContain('"nope"');
    expect(bad[2].stderr).toContain('.svg');
    expect(bad[3].stderr).toContain('post0:PERIOD');
    expect(bad[4].stderr).toContain('need a psm model');
  });
});
