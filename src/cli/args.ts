// Minimal argument parser: positionals and `--flag value` / `--flag=value` pairs.
import { AppError } from '../shared/errors.js';

export interface Parsed {
  positionals: string[];
  flags: Map<string, string>;
}

export function parseArgs(argv: string[], known: string[]): Parsed {
  const positionals: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const key = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (!known.includes(key)) throw new AppError('INVALID_ARGUMENT', `unknown option --${key} (expected ${known.map((k) => `--${k}`).join(', ')})`);
      let value: string | undefined = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new AppError('INVALID_ARGUMENT', `option --${key} needs a value`);
      flags.set(key, value);
    } else positionals.push(a);
  }
  return { positionals, flags };
}

export function required(p: Parsed, key: string): string {
  const v = p.flags.get(key);
  if (!v) throw new AppError('INVALID_ARGUMENT', `missing --${key}`);
  return v;
}
