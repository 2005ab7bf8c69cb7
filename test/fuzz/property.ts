// The property every fuzz case must satisfy: the reader returns an import whose shape is
// consistent (types, row counts, codes, missing counts), or throws an AppError whose message names
// the file and says what is wrong. Anything else — TypeError, RangeError, a stack overflow, an
// AppError with code INTERNAL, a message with "undefined" in it — is a Violation.
import type { Buffer } from 'node:buffer';
import { AppError } from '../../src/shared/errors.js';
import type { ImportedTable } from '../../src/store/import/table.js';
import type { Rng } from './prng.js';

export interface FuzzInput {
  /** File bytes (readers) or the expression as UTF-16LE (so lone surrogates survive). */
  bytes: Buffer;
  /** File extension / options the case runs with. */
  options: Record<string, string | number | boolean>;
  /** The mutations applied, for the report. */
  how: string[];
}

export interface Target {
  name: string;
  setup(fixtures: string): Promise<void> | void;
  generate(r: Rng): FuzzInput;
  /** Runs one case: true if the input was imported, false if refused with a good AppError;
   *  throws Violation when the property does not hold. */
  run(input: FuzzInput, dir: string): Promise<boolean>;
}

export class Violation extends Error {
  override name = 'Violation';
}

/** Message quality for a thrown AppError. `file` must be named when given. */
export function checkAppError(err: unknown, file?: string): void {
  if (!(err instanceof AppError)) {
    const e = err instanceof Error ? err : new Error(String(err));
    const frame = (e.stack ?? '').split('\n').find((l) => l.includes('/src/')) ?? (e.stack ?? '').split('\n')[1] ?? '';
    throw new Violation(`non-AppError thrown: ${e.name}: ${e.message}${frame ? ` (${frame.trim()})` : ''}`);
  }
  const m = err.message;
  if (err.code === 'INTERNAL') throw new Violation(`AppError INTERNAL: ${m}`);
  if (m.trim().length < 10) throw new Violation(`message too short to say what is wrong: "${m}"`);
  // (a quoted "NaN" is the file's own text, quoted back to the user: fine)
  if (/\bundefined\b|\[object |(?<!")\bNaN\b(?!")/.test(m)) throw new Violation(`message leaks a programming value: "${m}"`);
  if (file !== undefined && !m.includes(file)) throw new Violation(`message does not name the file ${file}: "${m}"`);
  // dta.ts wraps unexpected exceptions so no stack trace reaches the user; reaching that wrapper
  // means a defect was not checked where it occurs.
  if (/cannot be read as a Stata file \(/.test(m)) throw new Violation(`unexpected exception behind the dta catch-all: "${m}"`);
}

/** Shape of an ImportedTable (xlsx, dta). */
export function checkTable(t: ImportedTable): void {
  const { nrows } = t;
  if (!Number.isSafeInteger(nrows) || nrows < 0) throw new Violation(`nrows is ${nrows}`);
  if (!Array.isArray(t.warnings) || t.warnings.some((w) => typeof w !== 'string' || /\bundefined\b/.test(w))) throw new Violation(`bad warnings ${JSON.stringify(t.warnings)}`);
  for (const c of t.columns) {
    if (typeof c.name !== 'string') throw new Violation('column without a name');
    if (c.values.length !== nrows) throw new Violation(`column "${c.name}" has ${c.values.length} values for ${nrows} rows`);
    let missing = 0;
    if (c.kind === 'numeric') {
      if (!(c.values instanceof Float64Array)) throw new Violation(`numeric column "${c.name}" is not a Float64Array`);
      for (const v of c.values) if (Number.isNaN(v)) missing++;
    } else {
      if (!(c.values instanceof Int32Array) || !Array.isArray(c.levels)) throw new Violation(`categorical column "${c.name}" lacks Int32Array codes or levels`);
      const n = c.levels.length;
      if (new Set(c.levels).size !== n) throw new Violation(`column "${c.name}" has duplicate levels`);
      for (const k of c.values) {
        if (k < -1 || k >= n) throw new Violation(`column "${c.name}" has code ${k} outside its ${n} levels`);
        if (k === -1) missing++;
      }
    }
    if (missing !== c.missing) throw new Violation(`column "${c.name}" reports ${c.missing} missing values but holds ${missing}`);
  }
}
