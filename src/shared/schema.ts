// A tiny runtime schema library: each schema validates unknown input and infers its TS type,
// so the IPC contract is declared once and both sides are typed from it.
import { AppError } from './errors.js';

export interface Schema<T> {
  parse(value: unknown, path?: string): T;
}
export type Infer<S> = S extends Schema<infer T> ? T : never;

/** Names echoed in messages stay short (a key can be a megabyte long). */
const clip = (s: string) => (s.length > 60 ? `${s.slice(0, 60)}…` : s);

/** A plain object: what JSON.parse and structured clone give for `{...}` (not a list, Map, Date ...). */
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && [Object.prototype, null].includes(Object.getPrototypeOf(v));

function fail(path: string, what: string): never {
  throw new AppError('INVALID_ARGUMENT', `${path || 'argument'}: ${what}`);
}

export const str = (opts: { min?: number; max?: number } = {}): Schema<string> => ({
  parse(v, path = '') {
    if (typeof v !== 'string') fail(path, `expected text, got ${typeof v}`);
    if (opts.min !== undefined && v.length < opts.min) fail(path, opts.min === 1 ? 'must not be empty' : `must have at least ${opts.min} characters`);
    if (opts.max !== undefined && v.length > opts.max) fail(path, `must have at most ${opts.max} characters`);
    return v;
  },
});

export const int = (opts: { min?: number; max?: number } = {}): Schema<number> => ({
  parse(v, path = '') {
    if (typeof v !== 'number' || !Number.isInteger(v)) fail(path, 'expected an integer');
    if (opts.min !== undefined && v < opts.min) fail(path, `must be at least ${opts.min}`);
    if (opts.max !== undefined && v > opts.max) fail(path, `must be at most ${opts.max}`);
    return v;
  },
});

export const num = (): Schema<number> => ({
  parse(v, path = '') {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, 'expected a finite number');
    return v;
  },
});

export const bool = (): Schema<boolean> => ({
  parse(v, path = '') {
    if (typeof v !== 'boolean') fail(path, 'expected true or false');
    return v;
  },
});

export const literal = <const L extends readonly string[]>(...values: L): Schema<L[number]> => ({
  parse(v, path = '') {
    if (typeof v !== 'string' || !values.includes(v)) fail(path, `expected one of ${values.join(', ')}`);
    return v as L[number];
  },
});

export const arr = <T>(item: Schema<T>, opts: { max?: number } = {}): Schema<T[]> => ({
  parse(v, path = '') {
    if (!Array.isArray(v)) fail(path, 'expected a list');
    if (opts.max !== undefined && v.length > opts.max) fail(path, `at most ${opts.max} entries`);
    return v.map((x, i) => item.parse(x, `${path}[${i}]`));
  },
});

export const opt = <T>(inner: Schema<T>): Schema<T | undefined> & { optional: true } => ({
  optional: true,
  parse(v, path = '') {
    return v === undefined || v === null ? undefined : inner.parse(v, path);
  },
});

/**
 * Any JSON value (options bags): strings, booleans, null, finite numbers, lists and plain objects,
 * at most JSON_MAX_DEPTH deep — no NaN/Infinity, Map, Date, BigInt, functions, cycles, and no
 * `__proto__` key (a later object spread or merge must not be able to change a prototype).
 */
export const JSON_MAX_DEPTH = 64;
export const json = (): Schema<unknown> => ({
  parse(v, path = '') {
    const check = (x: unknown, at: string, depth: number): void => {
      if (x === null || typeof x === 'string' || typeof x === 'boolean') return;
      if (typeof x === 'number') {
        if (!Number.isFinite(x)) fail(at, 'expected a finite number');
        return;
      }
      if (typeof x !== 'object') fail(at, `must be plain data (got ${typeof x})`);
      if (depth >= JSON_MAX_DEPTH) fail(path, `nested more than ${JSON_MAX_DEPTH} levels deep`);
      if (Array.isArray(x)) {
        for (let i = 0; i < x.length; i++) check(x[i], `${at}[${i}]`, depth + 1);
        return;
      }
      if (!isPlainObject(x)) fail(at, 'must be plain data (a list or an object)');
      for (const key of Object.keys(x)) {
        if (key === '__proto__') fail(at, 'the field name "__proto__" is not allowed');
        check((x as Record<string, unknown>)[key], `${at}.${clip(key)}`, depth + 1);
      }
    };
    check(v, path, 0);
    return v;
  },
});

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
export type ObjOf<S extends Shape> = { [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> };

/** Objects reject unknown keys: the renderer is untrusted and typos should fail loudly. */
export const obj = <S extends Shape>(shape: S): Schema<ObjOf<S>> => ({
  parse(v, path = '') {
    if (!isPlainObject(v)) fail(path, 'expected an object');
    const input = v;
    // own keys only: `key in shape` would let `__proto__`, `constructor`, `toString` … through
    for (const key of Object.keys(input)) {
      if (!Object.prototype.hasOwnProperty.call(shape, key)) fail(path ? `${path}.${clip(key)}` : clip(key), 'unknown field');
    }
    const out: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(shape)) {
      const parsed = schema.parse(input[key], path ? `${path}.${key}` : key);
      if (parsed !== undefined) out[key] = parsed;
    }
    return out as ObjOf<S>;
  },
});

export const none = (): Schema<void> => ({
  parse(v, path = '') {
    if (v === undefined || v === null) return;
    if (!isPlainObject(v) || Object.keys(v).length > 0) fail(path, 'expected no argument');
  },
});
