// A tiny runtime schema library: each schema validates unknown input and infers its TS type,
// so the IPC contract is declared once and both sides are typed from it.
import { AppError } from './errors.js';

export interface Schema<T> {
  parse(value: unknown, path?: string): T;
}
export type Infer<S> = S extends Schema<infer T> ? T : never;

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

/** Any JSON value (options bags); only checks that it is plain data. */
export const json = (): Schema<unknown> => ({
  parse(v, path = '') {
    try {
      JSON.stringify(v);
    } catch {
      fail(path, 'must be plain data');
    }
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
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'expected an object');
    const input = v as Record<string, unknown>;
    for (const key of Object.keys(input)) if (!(key in shape)) fail(path ? `${path}.${key}` : key, 'unknown field');
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
    if (v !== undefined && v !== null && !(typeof v === 'object' && Object.keys(v as object).length === 0)) fail(path, 'expected no argument');
  },
});
