// Runs a variable-construction request (src/shared/tools.ts) on columns: which inputs it reads,
// then the transform (src/engine/transform, src/engine/expr) and the new columns it produces.
// Pure: the worker or the CLI loads the inputs and writes the outputs into the project.
import { AppError } from '../shared/errors.js';
import type { ToolOutput, ToolOutputColumn, ToolRequest } from '../shared/tools.js';
import { TOOLS, withDefaults } from '../shared/tools.js';
import type { Column } from './data.js';
import { type ExprEnv, generate, parseExpression, referencedVariables, replace } from './expr/index.js';
import { type RecodeRule, recode } from './transform/recode.js';
import { bartik, deviationPower, difference, dummies, egen, growth, interact, invariantTimesLagged, lag, lead, logShift, splitDummy, standardize, trim, winsorize } from './transform/index.js';
import type { GroupStat, Panel, Var } from './transform/index.js';
import { DEFAULT_ENTROPY_SHIFT, entropyIndex, entropyTables, exportQuality, exportSophistication } from './measure/index.js';
import { parseIndicatorGroups } from '../shared/measure.js';

export interface ToolContext {
  nrows: number;
  /** Every variable name of the dataset (new names must not collide; "did you mean"). */
  names: readonly string[];
  column(name: string): Column;
  panel: { id: string; time: string } | null;
  /** A column of another dataset of the project (bartik's shares and levels tables). */
  foreign?(dataset: string, name: string): Column;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const numberOr = (v: unknown, d: number): number => (typeof v === 'number' ? v : d);

/** The variables a request reads (what the worker loads), the panel's included when it needs it. */
export function toolInputs(request: ToolRequest, panel: { id: string; time: string } | null): string[] {
  const req = withDefaults(request);
  const p = req.params;
  const names: string[] = [];
  const exprVars = (key: string) => {
    const text = str(p[key]);
    if (text) names.push(...referencedVariables(parseExpression(text)));
  };
  switch (req.tool) {
    case 'generate':
      exprVars('expr');
      exprVars('if');
      break;
    case 'replace':
      names.push(str(p.target));
      exprVars('expr');
      exprVars('if');
      break;
    case 'interact':
      names.push(str(p.a), str(p.b));
      break;
    case 'devpower':
      names.push(str(p.var), str(p.time));
      break;
    case 'ivlagged':
      names.push(str(p.z), str(p.series));
      break;
    case 'bartik':
      names.push(str(p.unit), str(p.time));
      break;
    case 'entropy':
      names.push(...list(p.positive), ...list(p.negative), ...list(p.by));
      break;
    case 'quality':
      names.push(str(p.product), str(p.destination), str(p.year), str(p.value), str(p.quantity), ...list(p.by), ...(str(p.sigmas) ? [str(p.sigmaMatch) || str(p.product)] : []));
      break;
    case 'sophistication':
      names.push(str(p.unit), str(p.time), str(p.product), str(p.value));
      break;
    default:
      names.push(...list(p.vars), ...(str(p.var) ? [str(p.var)] : []), ...list(p.by));
  }
  if (panel && (TOOLS[req.tool].panel || /\b[LFD]\d*\./.test(`${str(p.expr)} ${str(p.if)}`))) names.push(panel.id, panel.time);
  return [...new Set(names.filter((n) => n !== ''))];
}

function outName(base: string, ctx: ToolContext, taken: Set<string>): string {
  if (ctx.names.includes(base) || taken.has(base)) throw new AppError('INVALID_ARGUMENT', `variable "${base}" already exists; choose another suffix or prefix`);
  taken.add(base);
  return base;
}

export function runTool(request: ToolRequest, ctx: ToolContext): ToolOutput {
  const req = withDefaults(request);
  const p = req.params;
  const v = (name: string): Var => ({ name, column: ctx.column(name) });
  const panel = (): Panel => {
    if (!ctx.panel) throw new AppError('INVALID_ARGUMENT', 'declare the panel (id and time variables) of this dataset first');
    return { id: v(ctx.panel.id), time: v(ctx.panel.time) };
  };
  const env: ExprEnv = {
    nrows: ctx.nrows,
    names: () => ctx.names,
    column: (name) => (ctx.names.includes(name) ? ctx.column(name) : undefined),
    ...(ctx.panel ? { panel: ctx.panel } : {}),
  };
  const taken = new Set<string>();
  const numeric = (values: Float64Array): Column => ({ kind: 'numeric', values });
  const one = (name: string, column: Column, inputs: string[], describe: string, warnings: string[], label?: string, replaceIt = false): ToolOutput => ({
    columns: [{ name, column, inputs, replace: replaceIt, ...(label ? { label } : {}) }],
    warnings,
    describe,
  });
  const each = (suffixOrPrefix: { suffix?: string; prefix?: string }, replaceIt: boolean, f: (x: Var) => { values: Float64Array; warnings: string[]; describe: string }): ToolOutput => {
    const columns: ToolOutputColumn[] = [];
    const warnings: string[] = [];
    let describe = '';
    for (const name of list(p.vars)) {
      const r = f(v(name));
      const target = replaceIt ? name : outName(`${suffixOrPrefix.prefix ?? ''}${name}${suffixOrPrefix.suffix ?? ''}`, ctx, taken);
      columns.push({ name: target, column: numeric(r.values), inputs: [name, ...list(p.by)], replace: replaceIt });
      warnings.push(...r.warnings);
      describe = r.describe;
    }
    return { columns, warnings, describe };
  };
  const byVars = () => list(p.by).map(v);

  switch (req.tool) {
    case 'generate': {
      const name = outName(str(p.name), ctx, taken);
      const r = generate(str(p.expr), env, str(p.if) ? { if: str(p.if) } : {});
      const ws = [...r.warnings, ...r.issues.map((i) => i.message)];
      return one(name, r.column, toolInputs(req, null), `${r.describe}${str(p.if) ? ` if ${str(p.if)}` : ''}`, ws, str(p.label) || undefined);
    }
    case 'replace': {
      const target = str(p.target);
      const r = replace(v(target), str(p.expr), env, str(p.if) ? { if: str(p.if) } : {});
      const ws = [...r.warnings, ...r.issues.map((i) => i.message), `${r.changed} values of ${target} changed`];
      return one(target, r.column, toolInputs(req, null), `replace ${target} = ${str(p.expr)}${str(p.if) ? ` if ${str(p.if)}` : ''}`, ws, undefined, true);
    }
    case 'winsorize':
    case 'trim': {
      const opts = { lower: numberOr(p.lower, 1), upper: numberOr(p.upper, 99), by: byVars() };
      return each({ suffix: str(p.suffix) }, p.replace === true, (x) => (req.tool === 'trim' ? trim(x, opts) : winsorize(x, opts)));
    }
    case 'standardize':
      return each({ suffix: str(p.suffix) }, false, (x) => standardize(x, { by: byVars() }));
    case 'log':
      return each({ prefix: str(p.prefix) }, false, (x) => logShift(x, { shift: numberOr(p.shift, 0) }));
    case 'lag':
    case 'lead': {
      const k = numberOr(p.k, 1);
      const pre = str(p.prefix);
      return each({ prefix: k === 1 ? pre : `${pre.replace(/_$/, '')}${k}_` }, false, (x) => (req.tool === 'lag' ? lag(x, panel(), k) : lead(x, panel(), k)));
    }
    case 'diff':
      return each({ prefix: str(p.prefix) }, false, (x) => difference(x, panel(), { k: numberOr(p.k, 1) }));
    case 'growth':
      return each({ prefix: str(p.prefix) }, false, (x) => growth(x, panel(), { k: numberOr(p.k, 1), log: p.log === true }));
    case 'egen': {
      const name = outName(str(p.name), ctx, taken);
      const r = egen(v(str(p.var)), str(p.stat) as GroupStat, { by: byVars(), p: numberOr(p.p, 50) });
      return one(name, numeric(r.values), [str(p.var), ...list(p.by)], r.describe, r.warnings);
    }
    case 'split': {
      const name = outName(str(p.name), ctx, taken);
      const r = splitDummy(v(str(p.var)), { stat: str(p.stat) === 'mean' ? 'mean' : 'median', by: byVars(), inclusive: p.inclusive === true });
      return one(name, numeric(r.values), [str(p.var), ...list(p.by)], r.describe, r.warnings);
    }
    case 'dummies': {
      const r = dummies(v(str(p.var)), { ...(str(p.prefix) ? { prefix: str(p.prefix) } : {}), existing: ctx.names });
      return { columns: r.columns.map((c) => ({ name: outName(c.name, ctx, taken), column: c.column, label: c.label, inputs: [str(p.var)], replace: false })), warnings: r.warnings, describe: r.describe };
    }
    case 'interact': {
      const r = interact(v(str(p.a)), v(str(p.b)), { existing: ctx.names });
      return { columns: r.columns.map((c) => ({ name: outName(c.name, ctx, taken), column: c.column, label: c.label, inputs: [str(p.a), str(p.b)], replace: false })), warnings: r.warnings, describe: r.describe };
    }
    case 'devpower': {
      const name = outName(str(p.name), ctx, taken);
      const r = deviationPower(v(str(p.var)), v(str(p.time)), { power: numberOr(p.power, 3) });
      return one(name, numeric(r.values), [str(p.var), str(p.time)], r.describe, r.warnings);
    }
    case 'recode': {
      const name = outName(str(p.name), ctx, taken);
      const r = recode(v(str(p.var)), parseRecodeRules(str(p.rules)));
      return one(name, numeric(r.values), [str(p.var)], r.describe, r.warnings);
    }
    case 'destring': {
      // Stata destring: text that reads as a number becomes that number; anything else is missing
      // (counted per variable). Thousands separators and surrounding spaces are tolerated.
      const columns: ToolOutputColumn[] = [];
      const warnings: string[] = [];
      for (const name of list(p.vars)) {
        const c = ctx.column(name);
        if (c.kind === 'numeric') throw new AppError('INVALID_ARGUMENT', `"${name}" is already numeric`);
        const parsed = Float64Array.from(c.levels, (l) => {
          const t = l.trim().replace(/,(?=\d{3}(\D|$))/g, '');
          return t === '' ? Number.NaN : Number(t);
        });
        let bad = 0;
        let example = '';
        for (let j = 0; j < parsed.length; j++)
          if (!Number.isFinite(parsed[j])) {
            parsed[j] = Number.NaN;
            if (c.levels[j].trim() !== '') {
              bad++;
              example ||= c.levels[j];
            }
          }
        const values = Float64Array.from(c.codes, (code) => (code < 0 ? Number.NaN : parsed[code]));
        if (bad > 0) warnings.push(`${name}: ${bad} distinct text values are not numbers (e.g. "${example}") and became missing`);
        const target = p.replace === true ? name : outName(`${name}${str(p.suffix)}`, ctx, taken);
        columns.push({ name: target, column: numeric(values), inputs: [name], replace: p.replace === true });
      }
      return { columns, warnings, describe: 'destring: text read as numbers (non-numeric text → missing)' };
    }
    case 'ivlagged': {
      const name = outName(str(p.name), ctx, taken);
      const r = invariantTimesLagged(v(str(p.z)), v(str(p.series)), panel(), { lag: numberOr(p.k, 1) });
      return one(name, numeric(r.values), [str(p.z), str(p.series)], r.describe, r.warnings);
    }
    case 'bartik': {
      const name = outName(str(p.name), ctx, taken);
      const f = (ds: string, col: string): Var => {
        if (!ctx.foreign) throw new AppError('INTERNAL', 'bartik needs the other datasets of the project');
        return { name: `${ds}.${col}`, column: ctx.foreign(ds, col) };
      };
      const shares = str(p.shares);
      const levels = str(p.levels);
      const r = bartik({
        target: { unit: v(str(p.unit)), time: v(str(p.time)) },
        shares: { unit: f(shares, str(p.sharesUnit)), sector: f(shares, str(p.sharesSector)), share: f(shares, str(p.share)) },
        levels: { unit: f(levels, str(p.levelsUnit)), sector: f(levels, str(p.levelsSector)), time: f(levels, str(p.levelsTime)), level: f(levels, str(p.level)) },
        leaveOneOut: p.leaveOneOut !== false,
        growthKind: str(p.growthKind) === 'log' ? 'log' : 'rate',
      });
      return one(name, numeric(r.values), [str(p.unit), str(p.time), `${shares}.${str(p.share)}`, `${levels}.${str(p.level)}`], r.describe, r.warnings);
    }
    case 'entropy':
    case 'quality':
    case 'sophistication':
      return runMeasure(req, ctx, v, outName);
    default:
      throw new AppError('INVALID_ARGUMENT', `unknown tool "${String(req.tool)}"`);
  }
}

/** The measurement tools (src/engine/measure): composite index, export quality, sophistication. */
function runMeasure(req: ToolRequest, ctx: ToolContext, v: (name: string) => Var, outName: (base: string, ctx: ToolContext, taken: Set<string>) => string): ToolOutput {
  const p = req.params;
  const taken = new Set<string>();
  const numeric = (values: Float64Array): Column => ({ kind: 'numeric', values });
  const foreign = (ds: string, col: string): Var => {
    if (!ctx.foreign) throw new AppError('INTERNAL', `${req.tool} needs the other datasets of the project`);
    return { name: `${ds}.${col}`, column: ctx.foreign(ds, col) };
  };
  switch (req.tool) {
    case 'entropy': {
      const shift = numberOr(p.shift, DEFAULT_ENTROPY_SHIFT);
      const { groups, problems } = parseIndicatorGroups(str(p.groups));
      if (problems.length > 0) throw new AppError('INVALID_ARGUMENT', problems.join('; '));
      const indicators = [...list(p.positive).map((n) => ({ v: v(n), negative: false })), ...list(p.negative).map((n) => ({ v: v(n), negative: true }))];
      const r = entropyIndex(indicators, { groups, by: list(p.by).map(v), shift });
      const inputs = [...indicators.map((d) => d.v.name), ...list(p.by)];
      const columns: ToolOutputColumn[] = [{ name: outName(str(p.name), ctx, taken), column: numeric(r.index), inputs, replace: false, label: { zh: '熵值法综合指数', en: 'entropy-weight index' } }];
      for (const s of r.subIndices) columns.push({ name: outName(s.name, ctx, taken), column: numeric(s.values), inputs: [...(groups.find((g) => g.name === s.name)?.members ?? []), ...list(p.by)], replace: false, label: { zh: `熵值法分项指数 ${s.name}`, en: `entropy-weight sub-index ${s.name}` } });
      return { columns, warnings: r.warnings, describe: r.describe, tables: entropyTables(r, shift) };
    }
    case 'quality': {
      const name = outName(str(p.name), ctx, taken);
      const rawName = p.keepRaw !== false ? outName(`${name}_raw`, ctx, taken) : null;
      let sigma: Float64Array | number = numberOr(p.sigma, 5);
      let sigmaSource: string | undefined;
      if (str(p.sigmas)) {
        const key = foreign(str(p.sigmas), str(p.sigmasKey));
        const val = foreign(str(p.sigmas), str(p.sigmasValue));
        const match = v(str(p.sigmaMatch) || str(p.product));
        sigma = sigmaByKey(match, key, val);
        sigmaSource = `from ${str(p.sigmas)}.${str(p.sigmasValue)} by ${match.name}`;
      }
      const r = exportQuality({ product: v(str(p.product)), destination: v(str(p.destination)), year: v(str(p.year)), value: v(str(p.value)), quantity: v(str(p.quantity)), sigma, ...(sigmaSource ? { sigmaSource } : {}), by: list(p.by).map(v) });
      const inputs = [str(p.product), str(p.destination), str(p.year), str(p.value), str(p.quantity), ...list(p.by), ...(str(p.sigmas) ? [`${str(p.sigmas)}.${str(p.sigmasValue)}`] : [])];
      const columns: ToolOutputColumn[] = [{ name, column: numeric(r.quality), inputs, replace: false, label: { zh: '出口产品质量（KSW，产品内最小–最大标准化）', en: 'export quality (KSW, min–max within product)' } }];
      if (rawName) columns.push({ name: rawName, column: numeric(r.raw), inputs, replace: false, label: { zh: '出口产品质量 ε/(σ−1)（未标准化）', en: 'export quality ε/(σ−1), not standardised' } });
      return { columns, warnings: r.warnings, describe: r.describe };
    }
    case 'sophistication': {
      const name = outName(str(p.name), ctx, taken);
      const prodyName = str(p.prody) ? outName(str(p.prody), ctx, taken) : null;
      const w = str(p.world);
      const r = exportSophistication({
        unit: v(str(p.unit)),
        ...(str(p.time) ? { time: v(str(p.time)) } : {}),
        product: v(str(p.product)),
        value: v(str(p.value)),
        world: {
          country: foreign(w, str(p.worldCountry)),
          product: foreign(w, str(p.worldProduct)),
          value: foreign(w, str(p.worldValue)),
          gdp: foreign(w, str(p.worldGdp)),
          ...(str(p.worldTime) ? { time: foreign(w, str(p.worldTime)) } : {}),
        },
      });
      const inputs = [str(p.unit), ...(str(p.time) ? [str(p.time)] : []), str(p.product), str(p.value), `${w}.${str(p.worldValue)}`, `${w}.${str(p.worldGdp)}`];
      const columns: ToolOutputColumn[] = [{ name, column: numeric(r.expy), inputs, replace: false, label: { zh: '出口技术复杂度 EXPY（HHR 2007）', en: 'export sophistication EXPY (HHR 2007)' } }];
      if (prodyName) columns.push({ name: prodyName, column: numeric(r.prody), inputs: [str(p.product), ...(str(p.time) ? [str(p.time)] : []), `${w}.${str(p.worldValue)}`, `${w}.${str(p.worldGdp)}`], replace: false, label: { zh: '产品技术复杂度 PRODY（HHR 2007）', en: 'product sophistication PRODY (HHR 2007)' } });
      return { columns, warnings: r.warnings, describe: r.describe };
    }
    default:
      throw new AppError('INVALID_ARGUMENT', `unknown tool "${String(req.tool)}"`);
  }
}

/** σ of each row: the table's value for the row's key (text match; a key given twice is an error). */
function sigmaByKey(match: Var, key: Var, value: Var): Float64Array {
  const text = (c: Column, i: number): string | null => {
    if (c.kind === 'numeric') return c.values[i] - c.values[i] === 0 ? String(c.values[i]) : null;
    return c.codes[i] < 0 ? null : c.levels[c.codes[i]];
  };
  if (value.column.kind !== 'numeric') throw new AppError('INVALID_ARGUMENT', `"${value.name}" is text; σ must be numeric`);
  const vals = value.column.values;
  const table = new Map<string, number>();
  for (let i = 0; i < vals.length; i++) {
    const k = text(key.column, i);
    if (k === null) continue;
    if (table.has(k) && table.get(k) !== vals[i]) throw new AppError('BAD_DATA', `the elasticity table has two σ for ${key.name} "${k}"`);
    table.set(k, vals[i]);
  }
  const n = match.column.kind === 'numeric' ? match.column.values.length : match.column.codes.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = text(match.column, i);
    out[i] = k === null ? Number.NaN : (table.get(k) ?? Number.NaN);
  }
  return out;
}

/**
 * Stata recode rules: "(1 2 = 1) (3/5 = 2) (min/0 = .) (missing = 0) (else = 9)". Each rule is
 * values, an inclusive range (min/max for −∞/+∞), missing, nonmissing or else; the target a number
 * or "." (missing). A malformed rule is named in the error.
 */
export function parseRecodeRules(text: string): RecodeRule[] {
  const rules: RecodeRule[] = [];
  const re = /\(([^()]*)\)/g;
  let m: RegExpExecArray | null;
  const num = (t: string, rule: string, minmax?: 'min' | 'max'): number => {
    if (minmax && t === minmax) return minmax === 'min' ? -Infinity : Infinity;
    const v = t === '.' ? Number.NaN : Number(t);
    if (t === '' || (t !== '.' && !Number.isFinite(v))) throw new AppError('INVALID_ARGUMENT', `recode rule (${rule}): "${t}" is not a number`);
    return v;
  };
  while ((m = re.exec(text)) !== null) {
    const rule = m[1].trim();
    const eq = rule.lastIndexOf('=');
    if (eq < 0) throw new AppError('INVALID_ARGUMENT', `recode rule (${rule}): write it as (old = new), e.g. (1/5 = 1)`);
    const lhs = rule.slice(0, eq).trim();
    const rhs = rule.slice(eq + 1).trim();
    const to = rhs === '.' ? null : num(rhs, rule);
    if (lhs === 'missing' || lhs === 'nonmissing' || lhs === 'else') rules.push({ when: lhs, to });
    else if (lhs.includes('/')) {
      const [lo, hi] = lhs.split('/').map((s) => s.trim());
      rules.push({ when: 'range', lo: num(lo, rule, 'min'), hi: num(hi, rule, 'max'), to });
    } else rules.push({ when: 'values', values: lhs.split(/\s+/).map((t) => num(t, rule)), to });
  }
  const rest = text.replace(/\([^()]*\)/g, '').trim();
  if (rules.length === 0 || rest !== '') throw new AppError('INVALID_ARGUMENT', `recode rules must be in parentheses, e.g. (1 2 = 1) (3/max = 2)${rest ? `; not understood: "${rest}"` : ''}`);
  return rules;
}
