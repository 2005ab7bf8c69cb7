// The project as a Stata do-file: imports with the original file names, every variable tool and
// combine step in the order they were done, then every model with `estimates store` and one esttab
// table. Datasets live as .dta files in a work folder (ps_work/) so merge/append can read them;
// the do-file keeps track of which dataset is in memory. Conventions: docs/code-export.md.
import type { ModelSpec } from '../spec.js';
import { type StataTemp, egenLine, stataExpr, stataNumber, stataString } from './expr.js';
import { measureBlock } from './measure-text.js';
import { gmmInstruments, gmmTimeDummies } from './model-defaults.js';
import type { CodeExprText, CombineStep, ImportStep, ModelCode, ModelCodeContext, ModelDescription, ProjectDescription, ToolStep } from './types.js';

const WORK = 'ps_work';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);

/** Community commands (SSC) the script uses, with the line that installs each. */
const SSC: Record<string, string[]> = {
  winsor2: ['winsor2'],
  reghdfe: ['reghdfe', 'ftools'],
  ivreghdfe: ['ivreghdfe', 'reghdfe', 'ftools', 'ivreg2', 'ranktest'],
  ivreg2: ['ivreg2', 'ranktest'],
  xtabond2: ['xtabond2'],
  psmatch2: ['psmatch2'],
  prodest: ['prodest'],
  esttab: ['estout'],
};

class StataWriter {
  readonly lines: string[] = [];
  readonly ssc = new Set<string>();
  private current: string | null = null;
  private dirty = false;
  /** The dataset whose variables the last lines built (a header marks each change). */
  lastTools: string | null = null;
  private readonly xtset = new Set<string>();
  private numericDone = new Map<string, Set<string>>();

  constructor(private readonly d: ProjectDescription) {}

  line(s = ''): void {
    this.lines.push(s);
  }

  comment(text: string): void {
    for (const l of text.split('\n')) this.line(`* ${l}`.trimEnd());
  }

  section(title: string): void {
    this.line();
    this.line(`* ${'-'.repeat(94)}`);
    this.line(`* ${title}`);
    this.line(`* ${'-'.repeat(94)}`);
  }

  file(name: string): string {
    return `"${WORK}/${name}.dta"`;
  }

  /** Put dataset `name` in memory (saving the one there if it changed). */
  use(name: string): void {
    if (this.current === name) return;
    this.save();
    this.line(`use ${this.file(name)}, clear`);
    this.current = name;
  }

  save(): void {
    if (this.current !== null && this.dirty) this.line(`save ${this.file(this.current)}, replace`);
    this.dirty = false;
  }

  /** A new dataset is now in memory (after an import or a combine step). */
  fresh(name: string): void {
    this.current = name;
    this.dirty = true;
    this.xtset.delete(name);
    this.numericDone.delete(name);
  }

  changed(): void {
    this.dirty = true;
  }

  /** Dataset `name` is in memory already, unchanged (the single-model preview). */
  assume(name: string): void {
    this.current = name;
    this.dirty = false;
  }

  private varType(dataset: string, name: string): string | undefined {
    return this.d.datasets.find((x) => x.name === dataset)?.variables.find((v) => v.name === name)?.type;
  }

  /**
   * xtset, absorb() and vce(cluster) need numbers: a text variable gets a numeric group id
   * `_ps_<name>` (egen group()), made once per dataset state; the text variable stays as it is.
   * Returns the names to use in place of `names`.
   */
  numeric(dataset: string, names: string[]): string[] {
    const done = this.numericDone.get(dataset) ?? new Set<string>();
    const mapped = (n: string) => (this.varType(dataset, n) === 'categorical' ? `_ps_${n}`.slice(0, 32) : n);
    for (const n of new Set(names)) {
      if (done.has(n) || this.varType(dataset, n) !== 'categorical') continue;
      this.line(`capture drop ${mapped(n)}`);
      this.line(`egen long ${mapped(n)} = group(${n})   // numeric id for the text variable ${n}`);
      done.add(n);
      this.changed();
    }
    this.numericDone.set(dataset, done);
    return names.map(mapped);
  }

  panel(dataset: string, panel: { id: string; time: string } | undefined): void {
    if (!panel) {
      this.comment(`TODO: declare the panel of ${dataset} (xtset id time): this step needs it`);
      return;
    }
    const key = `${dataset}\u0000${panel.id}\u0000${panel.time}`;
    if (this.xtset.has(key)) return;
    const [id] = this.numeric(dataset, [panel.id]);
    this.line(`xtset ${id} ${panel.time}`);
    this.xtset.add(key);
    this.changed();
  }
}

export function stataScript(d: ProjectDescription): string {
  const body = new StataWriter(d);
  for (const step of d.steps) {
    if (step.kind === 'import') importStep(body, step, d);
    else if (step.kind === 'tool') toolStep(body, step, d);
    else combineStep(body, step);
  }
  body.save();
  const stored: { id: string; model: ModelDescription }[] = [];
  if (d.models.length > 0) body.section('Models');
  d.models.forEach((m, i) => {
    const id = `m${i + 1}`;
    if (modelStep(body, m, id, d)) stored.push({ id, model: m });
  });
  if (stored.length > 0) {
    body.section('Tables (esttab)');
    body.ssc.add('esttab');
    const titles = stored.map((s) => stataString(s.model.name)).join(' ');
    body.line(`esttab ${stored.map((s) => s.id).join(' ')}, b(3) t(2) star(* 0.10 ** 0.05 *** 0.01) r2 ar2 mtitles(${titles})`);
    body.line(`esttab ${stored.map((s) => s.id).join(' ')} using "panel_studio_tables.rtf", replace b(3) t(2) star(* 0.10 ** 0.05 *** 0.01) r2 ar2 mtitles(${titles})`);
  }
  return [...header(d, body), ...body.lines, ''].join('\n');
}

function header(d: ProjectDescription, body: StataWriter): string[] {
  const out = [
    `* Project "${d.name}": replication do-file written by Panel Studio${d.generator ? ` ${d.generator}` : ''}`,
    '* Run it in the folder that holds the original data files (cd there first).',
    '* Conventions and what is not translated: Panel Studio docs/code-export.md.',
  ];
  const ssc = [...new Set([...body.ssc].flatMap((c) => SSC[c] ?? [c]))].sort();
  if (ssc.length > 0) out.push(`* Community commands used (install once): ${ssc.map((c) => `ssc install ${c}`).join('; ')}`);
  out.push('', 'version 16', 'clear all', 'set more off', `capture mkdir "${WORK}"`);
  return out;
}

// ------------------------------------------------------------------------------------ imports

function importStep(w: StataWriter, s: ImportStep, d: ProjectDescription): void {
  w.save();
  w.lastTools = s.dataset;
  w.section(`Dataset ${s.dataset}: import ${s.file}`);
  const file = stataString(s.file);
  if (s.format === 'dta') w.line(`use ${file}, clear`);
  else if (s.format === 'xlsx') {
    if (typeof s.sheet === 'number') w.comment(`sheet number ${s.sheet + 1} of the workbook: write its name in sheet("...")`);
    w.line(`import excel using ${file},${typeof s.sheet === 'string' ? ` sheet(${stataString(s.sheet)})` : ''} firstrow clear`);
  } else {
    const text = s.variables.map((v, i) => (v.type === 'categorical' ? i + 1 : 0)).filter((i) => i > 0);
    const opts = [`clear`, `varnames(1)`, `case(preserve)`, `encoding("utf-8")`];
    if (s.format === 'tsv') opts.push('delimiters(tab)');
    if (text.length > 0) opts.push(`stringcols(${text.join(' ')})`);
    w.line(`import delimited using ${file}, ${opts.join(' ')}`);
  }
  w.fresh(s.dataset);
  const ds = d.datasets.find((x) => x.name === s.dataset);
  if (ds?.panel && s.variables.some((v) => v.name === ds.panel?.id) && s.variables.some((v) => v.name === ds.panel?.time)) w.panel(s.dataset, ds.panel);
}

// ------------------------------------------------------------------------------------ tools

function condText(c: CodeExprText | undefined): string {
  if (!c) return '';
  return ` if ${c.ast ? stataExpr(c.ast, '_psc').text : c.text}`;
}

function needsPanel(s: ToolStep): boolean {
  if (['lag', 'lead', 'diff', 'growth', 'ivlagged'].includes(s.tool)) return true;
  return /\b[LFD]\d*\./.test(`${s.expr?.text ?? ''} ${s.condition?.text ?? ''}`);
}

function byOpt(by: string[]): string {
  return by.length > 0 ? `by(${by.join(' ')})` : '';
}

function toolStep(w: StataWriter, s: ToolStep, d: ProjectDescription): void {
  if (w.lastTools !== s.dataset) {
    w.save();
    w.section(`Variables of ${s.dataset}`);
    w.lastTools = s.dataset;
  }
  w.use(s.dataset);
  const p = s.params;
  const ds = d.datasets.find((x) => x.name === s.dataset);
  if (needsPanel(s)) w.panel(s.dataset, ds?.panel);
  w.changed();
  const vars = list(p.vars);
  const by = list(p.by);
  const out = (i: number, fallback: string) => s.written[i] ?? fallback;
  switch (s.tool) {
    case 'generate':
    case 'replace': {
      const cond = s.condition?.ast ? stataExpr(s.condition.ast, '_psc') : null;
      const e = s.expr?.ast ? stataExpr(s.expr.ast) : { text: s.expr?.text ?? str(p.expr), temps: [] as StataTemp[] };
      const ifText = s.condition ? ` if ${cond ? cond.text : s.condition.text}` : '';
      const temps = [...(cond?.temps ?? []), ...e.temps];
      for (const t of cond?.temps ?? []) w.line(egenLine(t));
      for (const t of e.temps) w.line(egenLine(t, ifText));
      if (s.tool === 'generate') {
        w.line(`generate double ${str(p.name)} = ${e.text}${ifText}`);
        if (str(p.label)) w.line(`label variable ${str(p.name)} ${stataString(str(p.label))}`);
      } else w.line(`replace ${str(p.target)} = ${e.text}${ifText}`);
      if (temps.length > 0) w.line(`drop ${temps.map((t) => t.name).join(' ')}`);
      return;
    }
    case 'winsorize':
    case 'trim': {
      w.ssc.add('winsor2');
      const opts = [`cuts(${num(p.lower, 1)} ${num(p.upper, 99)})`];
      if (by.length) opts.push(byOpt(by));
      if (s.tool === 'trim') opts.push('trim');
      opts.push(p.replace === true ? 'replace' : `suffix(${str(p.suffix) || (s.tool === 'trim' ? '_tr' : '_w')})`);
      w.line(`winsor2 ${vars.join(' ')}, ${opts.join(' ')}`);
      return;
    }
    case 'standardize':
      vars.forEach((v, i) => w.line(`egen double ${out(i, `${v}${str(p.suffix)}`)} = std(${v})${by.length ? `, ${byOpt(by)}` : ''}`));
      return;
    case 'log': {
      const shift = num(p.shift, 0);
      vars.forEach((v, i) => w.line(`generate double ${out(i, `${str(p.prefix)}${v}`)} = ln(${v}${shift === 0 ? '' : ` + ${stataNumber(shift)}`})`));
      return;
    }
    case 'lag':
    case 'lead': {
      const k = num(p.k, 1);
      const op = `${s.tool === 'lag' ? 'L' : 'F'}${k === 1 ? '' : k}.`;
      vars.forEach((v, i) => w.line(`generate double ${out(i, v)} = ${op}${v}`));
      return;
    }
    case 'diff': {
      const k = num(p.k, 1);
      vars.forEach((v, i) => w.line(`generate double ${out(i, v)} = ${k === 1 ? `D.${v}` : `${v} - L${k}.${v}`}`));
      return;
    }
    case 'growth': {
      const k = num(p.k, 1);
      const L = `L${k === 1 ? '' : k}.`;
      vars.forEach((v, i) => w.line(`generate double ${out(i, v)} = ${p.log === true ? `ln(${v}) - ln(${L}${v})` : `(${v} - ${L}${v}) / ${L}${v}`}`));
      return;
    }
    case 'egen': {
      const stat = str(p.stat) || 'mean';
      const opts = [...(stat === 'pctile' ? [`p(${num(p.p, 50)})`] : []), ...(by.length ? [byOpt(by)] : [])];
      w.line(`egen double ${str(p.name)} = ${stat}(${str(p.var)})${opts.length ? `, ${opts.join(' ')}` : ''}`);
      return;
    }
    case 'dummies': {
      const v = str(p.var);
      const isText = ds?.variables.find((x) => x.name === v)?.type === 'categorical';
      if (!s.levels || s.levels.some((l) => l === null)) {
        w.comment(`TODO: one dummy per level of ${v} (Panel Studio names: ${s.written.join(' ')}); tabulate names them ${str(p.prefix) || v}_1, _2, ...`);
        w.line(`* tabulate ${v}, generate(${str(p.prefix) || v}_)`);
        return;
      }
      w.comment(`tabulate ${v}, generate() with Panel Studio's names (one dummy per level)`);
      s.written.forEach((name, i) => {
        const level = s.levels?.[i] ?? '';
        w.line(`generate byte ${name} = (${v} == ${isText ? stataString(level) : level}) if !missing(${v})`);
      });
      return;
    }
    case 'split': {
      const stat = str(p.stat) === 'mean' ? 'mean' : 'median';
      const v = str(p.var);
      w.line(`egen double _ps_m = ${stat}(${v})${by.length ? `, ${byOpt(by)}` : ''}`);
      w.line(`generate byte ${str(p.name)} = (${v} ${p.inclusive === true ? '>=' : '>'} _ps_m) if !missing(${v}, _ps_m)`);
      w.line('drop _ps_m');
      return;
    }
    case 'interact': {
      const a = str(p.a);
      const b = str(p.b);
      const textA = ds?.variables.find((x) => x.name === a)?.type === 'categorical';
      const textB = ds?.variables.find((x) => x.name === b)?.type === 'categorical';
      if (!textA && !textB && s.written.length === 1) {
        w.line(`generate double ${s.written[0]} = ${a} * ${b}`);
        return;
      }
      w.comment(`TODO: interaction ${a} × ${b} spelled out as ${s.written.join(' ')}; in a model write ${textA ? 'i.' : 'c.'}${a}#${textB ? 'i.' : 'c.'}${b}`);
      return;
    }
    case 'devpower': {
      const v = str(p.var);
      w.line(`egen double _ps_m = mean(${v}), by(${str(p.time)})`);
      w.line(`generate double ${str(p.name)} = (${v} - _ps_m)^${num(p.power, 3)}`);
      w.line('drop _ps_m');
      return;
    }
    case 'recode':
      w.line(`recode ${str(p.var)} ${str(p.rules)}, generate(${str(p.name)})`);
      return;
    case 'destring': {
      const opts = p.replace === true ? 'replace' : `generate(${vars.map((v, i) => out(i, `${v}${str(p.suffix)}`)).join(' ')})`;
      w.line(`destring ${vars.join(' ')}, ${opts} ignore(",") force`);
      return;
    }
    case 'ivlagged': {
      const t = ds?.panel?.time ?? 'TIME';
      const k = num(p.k, 1);
      w.comment(`${str(p.z)} × ${str(p.series)} in ${t} − ${k}: the series is one value per ${t}`);
      w.line('preserve');
      w.line(`    keep ${t} ${str(p.series)}`);
      w.line(`    drop if missing(${t}, ${str(p.series)})`);
      w.line(`    duplicates drop ${t}, force`);
      w.line(`    replace ${t} = ${t} + ${k}`);
      w.line(`    rename ${str(p.series)} _ps_s`);
      w.line('    tempfile ps_series');
      w.line('    save `ps_series\'');
      w.line('restore');
      w.line(`merge m:1 ${t} using \`ps_series', keep(master match) nogenerate`);
      w.line(`generate double ${str(p.name)} = ${str(p.z)} * _ps_s`);
      w.line('drop _ps_s');
      if (ds?.panel) w.line(`sort ${ds.panel.id} ${ds.panel.time}`);
      return;
    }
    case 'bartik':
    case 'entropy':
    case 'quality':
    case 'sophistication':
      for (const l of measureBlock(s, 'stata')) w.line(l);
      return;
    default:
      w.comment(`TODO: ${String(s.tool)} (${s.written.join(' ')}) has no Stata translation`);
  }
}

// ------------------------------------------------------------------------------------ combine

function combineStep(w: StataWriter, s: CombineStep): void {
  const r = s.request;
  w.save();
  w.lastTools = r.name;
  w.section(`Dataset ${r.name}: ${r.kind} (from ${r.master}${r.kind === 'merge' || r.kind === 'append' ? ` and ${r.using}` : ''})`);
  w.use(r.master);
  switch (r.kind) {
    case 'merge': {
      const keep = r.keep && r.keep.length > 0 && r.keep.length < 3 ? ` keep(${r.keep.join(' ')})` : '';
      w.line(`merge ${r.merge ?? '1:1'} ${(r.keys ?? []).join(' ')} using ${w.file(r.using)},${keep}`.replace(/,$/, ''));
      break;
    }
    case 'append':
      w.line(`append using ${w.file(r.using)}`);
      break;
    case 'keep':
    case 'drop':
      w.line(`${r.kind}${condText(s.condition ?? (r.condition ? { text: r.condition } : undefined))}`);
      break;
    case 'sort': {
      const desc = new Set(r.descending ?? []);
      const keys = r.keys ?? [];
      w.line(desc.size > 0 ? `gsort ${keys.map((k) => (desc.has(k) ? `-${k}` : k)).join(' ')}` : `sort ${keys.join(' ')}`);
      break;
    }
    case 'collapse':
      w.line(`collapse (${r.stat ?? 'mean'}) ${(r.vars ?? []).join(' ')}${r.weight ? ` [aw = ${r.weight}]` : ''}, by(${(r.keys ?? []).join(' ')})`);
      break;
  }
  w.fresh(r.name);
}

// ------------------------------------------------------------------------------------ models

function vceStata(spec: ModelSpec, cluster: string[]): string {
  if (spec.vcov === 'robust') return 'vce(robust)';
  if (spec.vcov === 'cluster') return `vce(cluster ${cluster.join(' ')})`;
  return '';
}

/** ivreg2 / ivreghdfe spell the covariance as options. */
function vceIv(spec: ModelSpec, cluster: string[]): string {
  if (spec.vcov === 'robust') return 'robust';
  if (spec.vcov === 'cluster') return `cluster(${cluster.join(' ')})`;
  return '';
}

function opts(parts: string[]): string {
  const p = parts.filter((x) => x !== '');
  return p.length > 0 ? `, ${p.join(' ')}` : '';
}

/** The model's panel, or its dataset's declared one. */
function panelOf(m: ModelDescription, d: ProjectDescription): { id: string; time: string } | undefined {
  return m.spec.panel ?? d.datasets.find((x) => x.name === m.dataset)?.panel;
}

function modelStep(w: StataWriter, m: ModelDescription, id: string, d: ProjectDescription): boolean {
  const spec = m.spec;
  w.line();
  w.comment(`Model ${id.slice(1)}: ${m.name} (${spec.estimator} on ${m.dataset})`);
  if (!d.datasets.some((x) => x.name === m.dataset)) {
    w.comment(`TODO: dataset ${m.dataset} is not in the project any more`);
    return false;
  }
  w.use(m.dataset);
  const stored = modelCommands(w, m, id, d);
  if (stored === 'store') w.line(`estimates store ${id}`);
  return stored !== 'none';
}

/**
 * One model on the dataset in memory, as the do-file and the model form's preview write it.
 * 'store': the caller adds `estimates store <id>`; 'stored': the commands did (re + hausman);
 * 'none': nothing to store (psmatch2, or no translation).
 */
function modelCommands(w: StataWriter, m: ModelDescription, id: string, d: ProjectDescription): 'store' | 'stored' | 'none' {
  const spec = m.spec;
  const absorb = spec.absorb.map((a) => w.numeric(m.dataset, a.split('#')).join('#'));
  const cluster = spec.vcov === 'cluster' ? w.numeric(m.dataset, spec.cluster) : spec.cluster;
  const ifText = spec.sample?.if ? condText(m.condition ?? { text: spec.sample.if }) : '';
  const x = spec.x.join(' ');
  const rhs = (terms: string) => `${spec.y}${terms ? ` ${terms}` : ''}${ifText}`;
  const nocons = spec.options.intercept === false ? 'noconstant' : '';
  switch (spec.estimator) {
    case 'ols':
      w.line(`regress ${rhs(x)}${opts([vceStata(spec, cluster), nocons])}`);
      break;
    case 'fe':
    case 're': {
      w.panel(m.dataset, panelOf(m, d));
      const line = `xtreg ${rhs(x)}${opts([spec.estimator, vceStata(spec, cluster)])}`;
      if (spec.estimator === 're' && spec.options.hausman !== false) {
        if (spec.vcov === 'iid') {
          w.line(`quietly xtreg ${rhs(x)}, fe`);
          w.line(`estimates store ${id}_fe`);
          w.line(line);
          w.line(`estimates store ${id}`);
          w.line(`hausman ${id}_fe ${id}${spec.options.sigmamore === false ? '' : ', sigmamore'}`);
          return 'stored';
        }
        w.comment('Hausman test: Stata\'s hausman needs the default (iid) standard errors; see xtoverid for a robust version');
      }
      w.line(line);
      break;
    }
    case 'hdfe':
      w.ssc.add('reghdfe');
      w.line(
        `reghdfe ${rhs(x)}${opts([absorb.length > 0 ? `absorb(${absorb.join(' ')})` : 'noabsorb', vceStata(spec, cluster), spec.options.singletons === false ? 'keepsingletons' : ''])}`,
      );
      break;
    case 'iv': {
      const iv = `(${spec.endog.join(' ')} = ${spec.instruments.join(' ')})`;
      const small = spec.options.small === 'on' ? 'small' : '';
      const liml = spec.options.method === 'liml' ? 'liml' : '';
      const terms = [x, iv].filter((t) => t !== '').join(' ');
      if (spec.absorb.length > 0) {
        w.ssc.add('ivreghdfe');
        w.line(`ivreghdfe ${rhs(terms)}${opts([`absorb(${absorb.join(' ')})`, vceIv(spec, cluster), liml, small, 'first'])}`);
      } else {
        w.ssc.add('ivreg2');
        w.line(`ivreg2 ${rhs(terms)}${opts([vceIv(spec, cluster), liml, small, nocons, 'first'])}`);
      }
      break;
    }
    case 'gmm': {
      w.ssc.add('xtabond2');
      w.panel(m.dataset, panelOf(m, d));
      const o = spec.options;
      const terms = [...spec.x];
      const parts: string[] = [];
      const blocks = gmmInstruments(spec);
      for (const g of blocks.gmm) {
        const sub = [`lag(${g.lag_min} ${g.lag_max ?? '.'})`, g.collapse ? 'collapse' : '', g.eq && g.eq !== 'both' ? `eq(${g.eq})` : ''].filter((t) => t !== '');
        parts.push(`gmm(${g.var}, ${sub.join(' ')})`);
      }
      for (const v of blocks.iv) {
        const sub = [v.eq && v.eq !== 'both' ? `eq(${v.eq})` : '', v.passthru ? 'passthru' : ''].filter((t) => t !== '');
        parts.push(`iv(${v.var}${sub.length ? `, ${sub.join(' ')}` : ''})`);
      }
      if (gmmTimeDummies(spec)) {
        const t = panelOf(m, d)?.time ?? 'year';
        w.line(`capture drop _yr*`);
        w.line(`quietly tabulate ${t}, generate(_yr)`);
        terms.push('_yr*');
        parts.push('iv(_yr*)');
      }
      if (o.twostep !== false) parts.push('twostep');
      if (spec.vcov !== 'iid') parts.push('robust');
      if (o.system === false) parts.push('noleveleq');
      if (o.transform === 'fod') parts.push('orthogonal');
      if (o.h !== undefined && o.h !== 3) parts.push(`h(${o.h})`);
      if (o.ar !== undefined && o.ar !== 2) parts.push(`artests(${o.ar})`);
      if (nocons) parts.push(nocons);
      w.line(`xtabond2 ${rhs(terms.join(' '))}${opts(parts)}`);
      break;
    }
    case 'logit':
    case 'probit':
      w.line(`${spec.estimator} ${rhs(x)}${opts([vceStata(spec, cluster), nocons])}`);
      break;
    case 'psm': {
      psmStata(w, m, ifText);
      w.changed();
      return 'none';
    }
    case 'sfa':
      sfaStata(w, m, ifText);
      w.changed();
      return 'store';
    case 'tfp':
      w.panel(m.dataset, panelOf(m, d));
      tfpStata(w, m, ifText);
      w.changed();
      return 'store';
    default:
      w.comment(`TODO: estimator ${String(spec.estimator)} has no Stata translation`);
      return 'none';
  }
  return 'store';
}

function psmStata(w: StataWriter, m: ModelDescription, ifText: string): void {
  const spec = m.spec;
  const o = spec.options;
  w.ssc.add('psmatch2');
  const t = spec.treatment ?? 'TREATMENT';
  const covs = spec.x.join(' ');
  if (o.exact && o.exact.length > 0) w.comment(`TODO: exact matching within ${o.exact.join(' × ')} cells (Panel Studio option exact): psmatch2 has no exact option; match within each cell (e.g. a loop over egen group(${o.exact.join(' ')}))`);
  if (o.match_by && o.match_by !== 'pooled') w.comment(`TODO: matching ${o.match_by === 'year' ? 'within each year' : 'on pre-treatment means'} (Panel Studio option match_by) is not written out`);
  const parts = [`outcome(${spec.y})`];
  const method = o.match_method ?? 'nearest';
  if (method === 'kernel') parts.push('kernel', `kerneltype(${o.kernel ?? 'epan'})`, `bwidth(${o.bandwidth ?? 0.06})`);
  else if (method === 'radius') parts.push('radius', `caliper(${o.caliper ?? 0})`);
  else {
    parts.push(`neighbor(${o.neighbors ?? 1})`);
    if (o.caliper && o.caliper > 0) parts.push(`caliper(${o.caliper})`);
    if (o.replacement === false) {
      parts.push('noreplacement');
      // psmatch2 matches without replacement from the smallest score up, or the largest with descending
      if (o.match_order === 'largest') parts.push('descending');
      else if (o.match_order === 'data' || o.match_order === 'random') w.comment(`TODO: treated units pick their matches in ${o.match_order} order in Panel Studio (option match_order); psmatch2 goes by the score (ascending, or descending)`);
    }
    if (o.ties) parts.push('ties');
    if (o.tie_rule === 'matchit') w.comment('note: equal distances are broken by the data order in Panel Studio (tie_rule matchit), not by the random sort below');
  }
  if (o.caliper && o.caliper > 0 && o.caliper_unit === 'sd_logit') w.comment('TODO: the caliper is in standard deviations of the logit of the score in Panel Studio; psmatch2 reads it in score units');
  if (o.common_support) parts.push('common');
  if (o.ate) parts.push('ate');
  if (o.score === 'logit') parts.push('logit');
  if (o.seed !== undefined) {
    w.line(`set seed ${o.seed}`);
    w.line('capture drop _ps_u');
    w.line('generate double _ps_u = runiform()');
    w.line('sort _ps_u');
  }
  w.line(`psmatch2 ${t} ${covs}${ifText}, ${parts.join(' ')}`);
  w.line(`pstest ${covs}, both`);
}

/** A generated Stata name (at most 32 characters). */
function stataName(name: string): string {
  return [...name].slice(0, 32).join('');
}

/**
 * frontier on the logs (centred at the estimation-sample means, as Panel Studio does) with the
 * translog terms built as variables; the efficiency scores as Panel Studio saves them.
 */
function sfaStata(w: StataWriter, m: ModelDescription, ifText: string): void {
  const spec = m.spec;
  const o = spec.options;
  const logs = o.logs !== false;
  const center = o.center !== false;
  const translog = o.form === 'translog';
  const uhet = o.uhet ?? [];
  const inputs = [spec.y, ...spec.x];
  const built = logs || center || translog;
  let depvar = spec.y;
  let terms = [...spec.x];
  let cond = ifText;
  if (built) {
    // the estimation sample first: logs and means are taken over it
    w.line('capture drop _ps_s');
    w.line(`mark _ps_s${ifText}`);
    w.line(`markout _ps_s ${[...inputs, ...uhet].join(' ')}`);
    cond = ' if _ps_s';
    const base = (v: string) => (logs || center ? stataName(`${logs ? '_ln_' : '_c_'}${v}`) : v);
    if (logs || center) {
      // logs of output and inputs; without logs only the inputs are copied (to be centred)
      const made = [...new Set(logs ? inputs : spec.x)].map((v) => ({ v, name: base(v) }));
      w.line(`capture drop ${made.map((x) => x.name).join(' ')}`);
      for (const x of made) w.line(`generate double ${x.name} = ${logs ? `ln(${x.v})` : x.v} if _ps_s`);
      if (center && spec.x.length > 0) {
        w.line(`foreach v of varlist ${spec.x.map(base).join(' ')} {`);
        w.line("    quietly summarize `v' if _ps_s, meanonly");
        w.line("    quietly replace `v' = `v' - r(mean)");
        w.line('}');
      }
    }
    depvar = logs ? base(spec.y) : spec.y;
    terms = spec.x.map(base);
    if (translog) {
      const second: string[] = [];
      // ½·x² as Panel Studio's ln(x)^2/2 (the textbook translog), then the cross products
      spec.x.forEach((v) => {
        const name = stataName(`${base(v)}_2`);
        second.push(name);
        w.line(`capture drop ${name}`);
        w.line(`generate double ${name} = 0.5 * ${base(v)}^2`);
      });
      for (let j = 0; j < spec.x.length; j++)
        for (let k = j + 1; k < spec.x.length; k++) {
          const name = stataName(`${base(spec.x[j])}_X_${spec.x[k]}`);
          second.push(name);
          w.line(`capture drop ${name}`);
          w.line(`generate double ${name} = ${base(spec.x[j])} * ${base(spec.x[k])}`);
        }
      terms = [...terms, ...second];
    }
  }
  const parts = [`distribution(${o.distribution ?? 'hnormal'})`];
  if (o.frontier === 'cost') parts.push('cost');
  if (uhet.length > 0) parts.push(`uhet(${uhet.join(' ')})`);
  if (o.technique === 'bfgs') parts.push('technique(bfgs)');
  w.line(`frontier ${depvar} ${terms.join(' ')}${cond}, ${parts.join(' ')}`);
  w.line('capture drop _te_bc _u_jlms');
  w.line('predict double _te_bc, te   // Battese–Coelli E[exp(-u)|e]');
  w.line('predict double _u_jlms, u   // Jondrow et al. E[u|e]');
}

/** prodest (Rovigatti and Mollisi): value added (or gross output, prodest's default), the control-function method, bootstrap SEs; log TFP as _ltfp. */
function tfpStata(w: StataWriter, m: ModelDescription, ifText: string): void {
  const spec = m.spec;
  const o = spec.options;
  w.ssc.add('prodest');
  const method = o.method === 'op' ? 'op' : 'lp';
  const parts = [`free(${spec.x.join(' ')})`, `state(${o.state ?? ''})`, `proxy(${o.proxy ?? ''})`, `method(${method})`, ...(o.method === 'acf' ? ['acf'] : []), ...(o.output === 'gross' ? [] : ['valueadded'])];
  if ((o.degree ?? 3) < 2) w.comment(`TODO: prodest's poly() takes degrees 2 to 6; Panel Studio used degree ${o.degree}`);
  parts.push(`poly(${o.degree ?? 3})`, `reps(${o.reps ?? 50})`, `seed(${o.seed ?? 12345})`);
  w.line(`prodest ${spec.y}${ifText}, ${parts.join(' ')}`);
  w.line('capture drop _ltfp');
  w.line('predict double _ltfp, residuals   // log TFP: y minus the inputs times their elasticities');
}

/**
 * One model as Stata commands on its dataset (already in memory): the model form's live preview.
 * Text variables used as ids or fixed effects get the same numeric ids as in the do-file.
 */
export function stataModelCode(spec: ModelSpec, ctx: ModelCodeContext = {}): ModelCode {
  const dataset = ctx.dataset ?? 'data';
  const d: ProjectDescription = {
    name: dataset,
    datasets: [{ name: dataset, nrows: 0, variables: (ctx.variables ?? []).map((v) => ({ name: v.name, type: v.type })), ...(ctx.panel ? { panel: ctx.panel } : {}) }],
    steps: [],
    models: [],
  };
  const w = new StataWriter(d);
  w.assume(dataset);
  modelCommands(w, { name: '', dataset, spec, ...(ctx.condition ? { condition: ctx.condition } : {}) }, 'm1', d);
  return { lang: 'stata', lines: [...w.lines], packages: [...new Set([...w.ssc].flatMap((c) => SSC[c] ?? [c]))].sort() };
}
