// The `panel-studio` command as users run it: real processes, stdout JSON, one-line errors.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EstimationResult } from '../../src/shared/result.js';
import { lcg, naiveOls, tempDir } from '../helpers.js';

const BIN = resolve('bin/panel-studio.mjs');
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('panel-studio CLI', () => {
  const dir = tempDir();
  const u = lcg(3);
  const n = 80;
  const rows = Array.from({ length: n }, (_, i) => {
    const x1 = u() * 4;
    const x2 = u();
    return { x1, x2, y: 2 + 0.5 * x1 - x2 + u(), g: `f${i % 8}` };
  });
  const csv = join(dir, 'data.csv');
  writeFileSync(csv, `y,x1,x2,g\n${rows.map((r) => `${r.y},${r.x1},${r.x2},${r.g}`).join('\n')}\n`);
  const spec = join(dir, 'spec.json');
  writeFileSync(spec, JSON.stringify({ estimator: 'ols', y: 'y', x: ['x1', 'x2'], vcov: 'cluster', cluster: ['g'] }));

  it('estimate --data FILE prints the result JSON with correct OLS numbers', () => {
    const r = run('estimate', '--data', csv, '--spec', spec);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout) as EstimationResult;
    const ref = naiveOls(rows.map((x) => x.y), rows.map((x) => [1, x.x1, x.x2]));
    result.coefficients.forEach((c, j) => expect(c.estimate).toBeCloseTo(ref.beta[j], 10));
    expect(result.vcov).toMatchObject({ type: 'cluster', clusters: [{ variable: 'g', groups: 8 }], dof: 7 });
  });

  it('import → export round-trips, and estimate reads the project', () => {
    const project = join(dir, 'p.pstudio');
    const imp = run('import', csv, '--project', project, '--name', 'firms');
    expect(imp.status).toBe(0);
    expect(JSON.parse(imp.stdout)).toMatchObject({ dataset: 'firms', rows: n });
    const out = join(dir, 'back.csv');
    const exp = run('export', '--project', project, '--out', out);
    expect(exp.status).toBe(0);
    const back = readFileSync(out, 'utf8').trim().split('\n');
    expect(back[0]).toBe('y,x1,x2,g');
    expect(back[1]).toBe(`${rows[0].y},${rows[0].x1},${rows[0].x2},${rows[0].g}`);
    const resultFile = join(dir, 'r.json');
    const est = run('estimate', '--data', project, '--dataset', 'firms', '--spec', spec, '--out', resultFile);
    expect(est.status).toBe(0);
    expect((JSON.parse(readFileSync(resultFile, 'utf8')) as EstimationResult).nobs).toBe(n);
  });

  it('fails with one line naming the problem, never a stack trace', () => {
    const cases: [string[], RegExp][] = [
      [['estimate', '--data', join(dir, 'missing.csv'), '--spec', spec], /missing.csv does not exist/],
      [['estimate', '--data', csv], /missing --spec/],
      [['estimate', '--data', csv, '--spec', csv], /data.csv is not valid JSON/],
      [['frobnicate'], /unknown command "frobnicate"/],
      [['import', csv, '--project', join(dir, 'q.pstudio'), '--bogus', '1'], /unknown option --bogus/],
      [['replicate', 'x'], /missing --out/],
      [['table', '--results', 'a.json'], /missing --format/],
      [['table', '--results', 'a.json', '--format', 'pdf', '--out', 'x'], /--format must be one of docx, xlsx, tex, md, csv, html, got "pdf"/],
    ];
    const badSpec = join(dir, 'bad-spec.json');
    writeFileSync(badSpec, JSON.stringify({ estimator: 'ols', y: 'y', x: ['nope'] }));
    cases.push([['estimate', '--data', csv, '--spec', badSpec], /variable "nope" is not in the dataset/]);
    const badCsv = join(dir, 'bad.csv');
    writeFileSync(badCsv, 'a,b\n1,2\n"3,4\n');
    cases.push([['estimate', '--data', badCsv, '--spec', spec], /bad.csv, line 3.*quote/]);
    for (const [args, message] of cases) {
      const r = run(...args);
      expect(r.status, args.join(' ')).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
    }
  });
});
