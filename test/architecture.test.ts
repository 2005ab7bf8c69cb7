// Imports point one way (DESIGN.md): renderer → shared; engine → shared; store → shared (+engine
// types); worker → engine, store, shared; main → store, shared (+engine version); cli → engine,
// store, shared. Engine and shared never touch Node, Electron, SQLite, Svelte or the DOM.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve('src');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|svelte)$/.test(f) ? [p] : [];
  });

const allowed: Record<string, string[]> = {
  shared: ['shared'],
  engine: ['engine', 'shared'],
  store: ['store', 'shared', 'engine'],
  worker: ['worker', 'engine', 'store', 'shared'],
  main: ['main', 'store', 'shared', 'engine'],
  preload: ['preload', 'shared'],
  renderer: ['renderer', 'shared'],
  cli: ['cli', 'engine', 'store', 'shared'],
};
const forbiddenPackages: Record<string, RegExp> = {
  shared: /^(node:|electron|better-sqlite3|svelte|fs$|path$|os$)/,
  engine: /^(node:|electron|better-sqlite3|svelte|fs$|path$|os$)/,
  renderer: /^(node:|electron|better-sqlite3)/,
  store: /^(electron|svelte)/,
  worker: /^(electron|svelte)/,
  cli: /^(electron|svelte)/,
  preload: /^(node:|better-sqlite3|svelte)/,
  main: /^svelte/,
};

describe('architecture: import direction', () => {
  for (const file of files(SRC)) {
    const layer = relative(SRC, file).split(/[\\/]/)[0];
    it(`${relative(SRC, file)} imports only what ${layer} may`, () => {
      const text = readFileSync(file, 'utf8');
      const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
      for (const s of specs) {
        if (s.startsWith('.')) {
          const target = relative(SRC, resolve(dirname(file), s)).split(/[\\/]/)[0];
          // engine code may only use engine types from store (Column); main may read ENGINE_VERSION
          expect(allowed[layer], `${relative(SRC, file)} → ${s}`).toContain(target);
          if (layer === 'main' && target === 'engine') expect(s).toMatch(/engine\/version\.js$/);
        } else {
          expect(s, `${relative(SRC, file)} imports ${s}`).not.toMatch(forbiddenPackages[layer] ?? /^$/);
        }
      }
      const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      if (layer === 'engine' || layer === 'shared') expect(code).not.toMatch(/\b(window|document|process|require)\s*[.(]/);
    });
  }
});
