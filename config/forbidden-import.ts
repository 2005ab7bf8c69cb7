// tsconfig.engine.json (engine + shared) and tsconfig.web.json (renderer) resolve the imports each
// side forbids — Electron, Node built-ins, better-sqlite3, Svelte — to this file, which never
// compiles: the typecheck then fails on the line below, naming the rule. test/architecture.test.ts
// checks the same import rules file by file.
const rule: 'engine, shared and renderer code must not import Node, Electron, better-sqlite3 (or Svelte in engine/shared)' = 'forbidden import';
export default rule;
