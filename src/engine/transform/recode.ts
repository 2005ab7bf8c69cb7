// recode as Stata's: rules tried in order, the first that matches a value decides; values no rule
// matches are kept (unless an `else` rule is given). Ranges are inclusive (Stata's 1/5; min/max are
// −∞/+∞). `missing`/`nonmissing`/`else` match what earlier rules left. recodeLevels maps the texts of
// a categorical variable (e.g. province → east/central/west) to new texts or to numbers.
import { AppError } from '../../shared/errors.js';
import type { Column } from '../data.js';
import { type ColumnResult, type NumericResult, type Var, numericValues, plural } from './types.js';

export type RecodeRule =
  | { when: 'values'; values: number[]; to: number | null }
  | { when: 'range'; lo: number; hi: number; to: number | null }
  | { when: 'missing'; to: number | null }
  | { when: 'nonmissing'; to: number | null }
  | { when: 'else'; to: number | null };

function ruleText(r: RecodeRule): string {
  const to = r.to === null ? '.' : String(r.to);
  switch (r.when) {
    case 'values':
      return `(${r.values.join(' ')} = ${to})`;
    case 'range':
      return `(${r.lo === -Infinity ? 'min' : r.lo}/${r.hi === Infinity ? 'max' : r.hi} = ${to})`;
    default:
      return `(${r.when} = ${to})`;
  }
}

function matches(r: RecodeRule, v: number): boolean {
  const missing = v - v !== 0;
  switch (r.when) {
    case 'values':
      return r.values.some((w) => w === v || (w !== w && missing));
    case 'range':
      return !missing && v >= r.lo && v <= r.hi;
    case 'missing':
      return missing;
    case 'nonmissing':
      return !missing;
    case 'else':
      return true;
  }
}

export function recode(x: Var, rules: RecodeRule[]): NumericResult {
  const v = numericValues(x, 'recode');
  if (rules.length === 0) throw new AppError('INVALID_ARGUMENT', 'recode needs at least one rule');
  rules.forEach((r, j) => {
    if (r.when === 'else' && j !== rules.length - 1) throw new AppError('INVALID_ARGUMENT', 'the else rule must be the last one');
    if (r.when === 'range' && !(r.lo <= r.hi)) throw new AppError('INVALID_ARGUMENT', `recode range ${r.lo}/${r.hi}: the lower end is above the upper end`);
  });
  const out = new Float64Array(v.length);
  let changed = 0;
  // the rules are few; a per-row loop over them is simpler than compiling them
  for (let i = 0; i < v.length; i++) {
    let r = v[i];
    for (const rule of rules) {
      if (matches(rule, v[i])) {
        r = rule.to === null ? Number.NaN : rule.to;
        break;
      }
    }
    if (!(r === v[i] || (r !== r && v[i] !== v[i]))) changed++;
    out[i] = r;
  }
  return { values: out, warnings: [], describe: `recode ${x.name} ${rules.map(ruleText).join(' ')} (${plural(changed, 'value')} changed)` };
}

/**
 * Maps levels of a categorical variable: `map` lists groups of level texts and what they become.
 * Unlisted levels become `otherwise` ('keep' their text — text output only — or 'missing', or a
 * value). All targets numbers → numeric result; all texts → categorical.
 */
export function recodeLevels(x: Var, map: { levels: string[]; to: string | number }[], otherwise: 'keep' | 'missing' | string | number = 'keep'): ColumnResult {
  if (x.column.kind !== 'categorical') throw new AppError('INVALID_ARGUMENT', `"${x.name}" is numeric; use recode for numeric variables`);
  const c = x.column;
  const targets = [...map.map((m) => m.to), ...(otherwise === 'keep' || otherwise === 'missing' ? [] : [otherwise])];
  const numeric = targets.length > 0 && targets.every((t) => typeof t === 'number');
  if (!numeric && targets.some((t) => typeof t === 'number')) throw new AppError('INVALID_ARGUMENT', 'recode targets must be all texts or all numbers');
  if (numeric && otherwise === 'keep') throw new AppError('INVALID_ARGUMENT', 'mapping texts to numbers needs a value (or missing) for the unlisted levels');
  const target = new Map<string, string | number>();
  for (const m of map) {
    for (const l of m.levels) {
      if (target.has(l)) throw new AppError('INVALID_ARGUMENT', `level "${l}" is mapped twice`);
      if (!c.levels.includes(l)) throw new AppError('INVALID_ARGUMENT', `"${x.name}" has no level "${l}"`);
      target.set(l, m.to);
    }
  }
  const per = c.levels.map((l): string | number | null => target.get(l) ?? (otherwise === 'keep' ? l : otherwise === 'missing' ? null : otherwise));
  const unmapped = c.levels.filter((l) => !target.has(l));
  const warnings = unmapped.length > 0 && otherwise !== 'keep' ? [`${plural(unmapped.length, 'level')} not listed (e.g. "${unmapped[0]}") became ${otherwise === 'missing' ? 'missing' : `"${otherwise}"`}`] : [];
  const describe = `recode ${x.name}: ${map.map((m) => `${m.levels.join(', ')} → ${m.to}`).join('; ')}`;
  let column: Column;
  if (numeric) {
    const table = per.map((t) => (t === null ? Number.NaN : (t as number)));
    column = { kind: 'numeric', values: Float64Array.from(c.codes, (k) => (k < 0 ? Number.NaN : table[k])) };
  } else {
    const levels: string[] = [];
    const index = new Map<string, number>();
    const table = per.map((t) => {
      if (t === null) return -1;
      const s = String(t);
      let k = index.get(s);
      if (k === undefined) {
        k = levels.length;
        levels.push(s);
        index.set(s, k);
      }
      return k;
    });
    column = { kind: 'categorical', codes: Int32Array.from(c.codes, (k) => (k < 0 ? -1 : table[k])), levels };
  }
  return { column, warnings, describe };
}
