// Runs the exported R script on the fixture's original CSV files and compares every variable the
// tools built and the collapsed dataset with the project's (1e-9), and the coefficients of the
// OLS / FE / HDFE / IV models with our engine's (1e-6, relative). This checks the whole
// chain: imports, the R translations of the variable tools (log, winsor2 percentiles, panel lags,
// group means, expressions), merge/keep, and the model formulas. Needs Rscript and the models'
// packages; each missing piece skips with its reason (CI has no R).
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Column } from '../../src/engine/data.js';
import { estimate } from '../../src/engine/estimate.js';
import { generateCode } from '../../src/shared/codegen/index.js';
import type { ModelDescription, ProjectDescription } from '../../src/shared/codegen/types.js';
import { describeProject } from '../../src/store/project-description.js';
import type { ProjectStore } from '../../src/store/project.js';
import { tempDir } from '../helpers.js';
import { buildProject } from './fixture.js';

/** The R packages each compared model's translation calls. */
function packagesOf(m: ModelDescription): string[] {
  const s = m.spec;
  switch (s.estimator) {
    case 'ols':
      return s.vcov === 'iid' ? [] : ['sandwich'];
    case 'fe':
    case 're':
      return ['plm'];
    case 'hdfe':
      return ['fixest'];
    case 'iv':
      return s.absorb.length > 0 ? ['fixest'] : ['AER', 'sandwich'];
    case 'logit':
    case 'probit':
      return s.vcov === 'iid' ? [] : ['sandwich'];
    default:
      return [];
  }
}

const COMPARED = new Set(['ols', 'fe', 'hdfe', 'iv', 'logit', 'probit']);

function probeR(): { ok: boolean; installed: Set<string>; reason: string } {
  const r = spawnSync('Rscript', ['-e', 'for (p in c("fixest", "plm", "AER", "sandwich", "lmtest")) if (requireNamespace(p, quietly = TRUE)) cat(p, "\\n")'], { encoding: 'utf8', timeout: 60_000 });
  if (r.error || r.status !== 0) return { ok: false, installed: new Set(), reason: 'Rscript is not available' };
  return { ok: true, installed: new Set(r.stdout.split(/\s+/).filter((x) => x !== '')), reason: '' };
}

const probe = probeR();

describe.skipIf(!probe.ok)(`the exported R script reproduces our coefficients${probe.ok ? '' : ` (skipped: ${probe.reason})`}`, () => {
  let dir: string;
  let store: ProjectStore;
  let description: ProjectDescription;
  let rCoefs = new Map<string, Map<string, number>>();
  const runnable: ModelDescription[] = [];
  const skipped: string[] = [];

  beforeAll(async () => {
    dir = tempDir('ps-codegen-r-');
    store = await buildProject(dir);
    description = describeProject(store);
    for (const m of description.models) {
      if (!COMPARED.has(m.spec.estimator)) continue;
      const missing = packagesOf(m).filter((p) => !probe.installed.has(p));
      if (missing.length > 0) skipped.push(`${m.name} (R package ${missing.join(', ')} not installed)`);
      else runnable.push(m);
    }
    const script = generateCode({ ...description, models: runnable }, 'r');
    const tail = [
      'write.csv(firms, "firms_out.csv", row.names = FALSE, na = "")',
      'write.csv(industry_year, "industry_year_out.csv", row.names = FALSE, na = "")',
      'if (!exists("models")) models <- list()',
      'out <- do.call(rbind, c(list(data.frame(model = character(), term = character(), estimate = numeric())), lapply(names(models), function(n) data.frame(model = n, term = names(coef(models[[n]])), estimate = unname(coef(models[[n]]))))))',
      'write.csv(out, "coefs.csv", row.names = FALSE)',
    ].join('\n');
    writeFileSync(join(dir, 'replication.R'), `${script}\n${tail}\n`);
    const r = spawnSync('Rscript', ['replication.R'], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 0) throw new Error(`Rscript failed:\n${r.stderr.slice(-3000)}`);
    const lines = readFileSync(join(dir, 'coefs.csv'), 'utf8').trim().split('\n').slice(1);
    rCoefs = new Map();
    for (const l of lines) {
      const m = /^"(.*)","(.*)",(.*)$/.exec(l);
      if (!m) continue;
      const [, model, term, value] = m;
      if (!rCoefs.has(model)) rCoefs.set(model, new Map());
      rCoefs.get(model)?.set(term, Number(value));
    }
  }, 400_000);

  afterAll(() => {
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A data frame R wrote (write.csv, na = ""): numeric columns by name, rows in file order. */
  function readCsv(file: string): Map<string, number[]> {
    const [head, ...rows] = readFileSync(join(dir, file), 'utf8').trim().split('\n');
    const names = head.split(',').map((h) => h.replace(/^"|"$/g, ''));
    const cols = new Map<string, number[]>(names.map((n) => [n, []]));
    for (const row of rows) row.split(',').forEach((cell, j) => cols.get(names[j])?.push(cell === '' || cell === 'NA' ? Number.NaN : Number(cell)));
    return cols;
  }

  function same(what: string, ours: number, theirs: number): void {
    if (Number.isNaN(ours) || Number.isNaN(theirs)) expect(Number.isNaN(theirs), `${what}: ours ${ours}, R ${theirs}`).toBe(Number.isNaN(ours));
    else expect(Math.abs(ours - theirs) / Math.max(1, Math.abs(theirs)), `${what}: ours ${ours}, R ${theirs}`).toBeLessThan(1e-9);
  }

  it('builds every tool variable as the engine does (matched by firm and year)', () => {
    const firms = store.findDataset('firms');
    if (!firms) throw new Error('no firms dataset');
    const r = readCsv('firms_out.csv');
    const key = (f: number, t: number) => `${f}|${t}`;
    const rowOf = new Map((r.get('firm') ?? []).map((f, i) => [key(f, (r.get('year') ?? [])[i]), i]));
    const fid = store.readColumn(firms.id, 'firm');
    const year = store.readColumn(firms.id, 'year');
    if (fid.kind !== 'numeric' || year.kind !== 'numeric') throw new Error('firm and year are numeric');
    const built = firms.variables.filter((v) => v.recipe.kind === 'transform' && v.type === 'numeric').map((v) => v.name);
    expect(built.length).toBeGreaterThan(15);
    for (const name of built) {
      const theirs = r.get(name);
      expect(theirs, `R has no column ${name}`).toBeDefined();
      const col = store.readColumn(firms.id, name);
      if (col.kind !== 'numeric' || !theirs) continue;
      for (let i = 0; i < firms.nrows; i++) {
        const j = rowOf.get(key(fid.values[i], year.values[i]));
        expect(j, `row ${i + 1} missing in R`).toBeDefined();
        same(`${name} at firm ${fid.values[i]} year ${year.values[i]}`, col.values[i], theirs[j as number]);
      }
    }
  });

  it('collapses as the engine does', () => {
    const ds = store.findDataset('industry_year');
    if (!ds) throw new Error('no industry_year dataset');
    const r = readCsv('industry_year_out.csv');
    expect(r.get('industry')?.length).toBe(ds.nrows);
    for (const name of ['industry', 'year', 'y', 'ln_sales']) {
      const col = store.readColumn(ds.id, name);
      if (col.kind !== 'numeric') throw new Error(`${name} is numeric`);
      col.values.forEach((v, i) => same(`${name} row ${i + 1}`, v, (r.get(name) ?? [])[i]));
    }
  });

  it('runs every comparable model (the others are named)', () => {
    if (skipped.length > 0) console.warn(`R comparison skipped for: ${skipped.join('; ')}`);
    expect([...rCoefs.keys()].sort()).toEqual(runnable.map((m) => m.name).sort());
  });

  it('matches the engine to 1e-6', () => {
    const analysis = store.findDataset('analysis');
    if (!analysis) throw new Error('no analysis dataset');
    const cache = new Map<string, Column>();
    const source = {
      nrows: analysis.nrows,
      get: (n: string) => {
        let c = cache.get(n);
        if (!c) {
          c = store.readColumn(analysis.id, n);
          cache.set(n, c);
        }
        return c;
      },
    };
    for (const m of runnable) {
      const ours = new Map(estimate(m.spec, source).coefficients.map((c) => [c.term, c.estimate]));
      const theirs = rCoefs.get(m.name) ?? new Map<string, number>();
      const terms = [...theirs.keys()].filter((t) => t !== '(Intercept)' || ours.has(t));
      expect(terms.length, m.name).toBeGreaterThan(0);
      for (const t of terms) {
        const a = ours.get(t.replace(/^fit_/, ''));
        const b = theirs.get(t) as number;
        expect(a, `${m.name}: ${t} missing from our result`).toBeTypeOf('number');
        expect(Math.abs((a as number) - b) / Math.max(1, Math.abs(b)), `${m.name}: ${t} ours ${a} R ${b}`).toBeLessThan(1e-6);
      }
    }
  });
});
