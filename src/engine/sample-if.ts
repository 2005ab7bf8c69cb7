// A model's sample restriction (spec.sample.if, Stata's `if`): rows where the condition is false
// are hidden from the estimator as if every variable were missing there, so each estimator's
// listwise deletion leaves them out and counts stay consistent. Typical use after matching:
// `_weight < .` (Stata's idiom; missing is larger than any number) is psmatch2's matched sample.
import { AppError } from '../shared/errors.js';
import type { ModelSpec } from '../shared/spec.js';
import type { Column, ColumnSource } from './data.js';
import { evaluateCondition, parseExpression, referencedVariables } from './expr/index.js';

/** The variables a sample condition reads (for loaders that read only what a model needs). */
export function conditionVariables(condition: string | undefined): string[] {
  if (!condition || condition.trim() === '') return [];
  try {
    return referencedVariables(parseExpression(condition));
  } catch (err) {
    throw new AppError('INVALID_ARGUMENT', `sample restriction "${condition.trim()}": ${err instanceof Error ? err.message : String(err)}`);
  }
}

export interface RestrictedSource {
  source: ColumnSource;
  /** Rows the condition keeps. */
  kept: number;
  condition: string;
  /** The condition's own warnings (e.g. missing values counted as true under Stata's rule). */
  warnings: string[];
}

export function restrictSample(spec: ModelSpec, source: ColumnSource): RestrictedSource | null {
  const condition = spec.sample?.if?.trim();
  if (!condition) return null;
  const names = conditionVariables(condition);
  const env = {
    nrows: source.nrows,
    names: () => names,
    column: (n: string): Column | undefined => {
      try {
        return source.get(n);
      } catch {
        return undefined;
      }
    },
    ...(spec.panel ? { panel: spec.panel } : {}),
  };
  let mask: Uint8Array;
  let kept: number;
  let warnings: string[];
  try {
    ({ mask, count: kept, warnings } = evaluateCondition(condition, env));
  } catch (err) {
    throw new AppError('INVALID_ARGUMENT', `sample restriction "${condition}": ${err instanceof Error ? err.message : String(err)}`);
  }
  if (kept === 0) throw new AppError('INVALID_ARGUMENT', `sample restriction "${condition}" keeps no rows`);
  const cache = new Map<string, Column>();
  const restricted: ColumnSource = {
    nrows: source.nrows,
    // the masked copies are ours: the engine may reuse their memory
    disposable: true,
    get(name) {
      let c = cache.get(name);
      if (c) return c;
      const orig = source.get(name);
      if (orig.kind === 'numeric') {
        const values = Float64Array.from(orig.values);
        for (let i = 0; i < values.length; i++) if (!mask[i]) values[i] = Number.NaN;
        c = { kind: 'numeric', values };
      } else {
        const codes = Int32Array.from(orig.codes);
        for (let i = 0; i < codes.length; i++) if (!mask[i]) codes[i] = -1;
        c = { kind: 'categorical', codes, levels: orig.levels };
      }
      cache.set(name, c);
      return c;
    },
  };
  return { source: restricted, kept, condition, warnings };
}
