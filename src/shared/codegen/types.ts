// The plain description of a project that the code exporters read (src/store/project-description.ts
// builds it from a ProjectStore; tests build it by hand or from a store on ':memory:'). Pure data:
// it can cross IPC or be written to JSON. The generators never see the data values.
import type { CombineRequest } from '../combine.js';
import type { ModelSpec } from '../spec.js';
import type { ToolId } from '../tools.js';
import type { VariableType } from '../types.js';

/**
 * A parsed expression of the expression language (docs/expressions.md), structurally the engine's
 * AST (src/engine/expr/ast.ts), which is plain JSON. Positions are ignored here.
 */
export type CodeExpr =
  | { type: 'number'; value: number }
  | { type: 'string'; value: string }
  | { type: 'missing' }
  | { type: 'var'; name: string }
  | { type: 'unary'; op: '-' | '!'; arg: CodeExpr }
  | { type: 'binary'; op: '+' | '-' | '*' | '/' | '^' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&' | '|'; left: CodeExpr; right: CodeExpr }
  | { type: 'call'; name: string; args: CodeExpr[]; by?: string[] }
  | { type: 'tsop'; op: 'L' | 'F' | 'D'; k: number; arg: CodeExpr };

/** An expression as the user typed it, with its parse when the builder could parse it. */
export interface CodeExprText {
  text: string;
  ast?: CodeExpr;
}

/** A recode rule as the engine reads it (src/engine/tools.ts parseRecodeRules); null target = missing. */
export type CodeRecodeRule =
  | { when: 'values'; values: number[]; to: number | null }
  | { when: 'range'; lo: number; hi: number; to: number | null }
  | { when: 'missing' | 'nonmissing' | 'else'; to: number | null };

export interface ImportStep {
  kind: 'import';
  dataset: string;
  /** The original file name (no folder): replication packages ship the data beside the script. */
  file: string;
  format: 'csv' | 'tsv' | 'dta' | 'xlsx';
  sheet?: string | number;
  /** Imported columns: name and type. */
  variables: { name: string; type: VariableType }[];
}

export interface ToolStep {
  kind: 'tool';
  dataset: string;
  tool: ToolId;
  /** The request's parameters, defaults filled in (what the recipe stores). */
  params: Record<string, unknown>;
  /** Variables written, in the tool's order (one per input variable for the per-variable tools). */
  written: string[];
  /** generate / replace: the parsed expression and condition. */
  expr?: CodeExprText;
  condition?: CodeExprText;
  /** dummies / interact: the level (or level pair text) each written column indicates, when known. */
  levels?: (string | null)[];
  /** recode: the parsed rules. */
  rules?: CodeRecodeRule[];
  /** One line of provenance from the recipe. */
  describe?: string;
}

export interface CombineStep {
  kind: 'combine';
  request: CombineRequest;
  /** keep / drop: the parsed condition. */
  condition?: CodeExprText;
}

export type CodeStep = ImportStep | ToolStep | CombineStep;

export interface DatasetDescription {
  name: string;
  nrows: number;
  panel?: { id: string; time: string };
  variables: { name: string; type: VariableType; label?: string }[];
}

export interface ModelDescription {
  name: string;
  dataset: string;
  spec: ModelSpec;
  /** The sample condition, parsed (for the R translation). */
  condition?: CodeExprText;
}

export interface ProjectDescription {
  name: string;
  /** Application version that wrote the description (printed in the header). */
  generator?: string;
  datasets: DatasetDescription[];
  /** The project's history in order: imports, variable tools, combine operations. */
  steps: CodeStep[];
  models: ModelDescription[];
}

export type CodeLang = 'stata' | 'r';

/** What the single-model code (the model form's preview) knows about the model's dataset. */
export interface ModelCodeContext {
  /** The dataset's name (R: the data frame); 'data' when omitted. */
  dataset?: string;
  /** Its variables and types: text ones get numeric ids where Stata needs numbers. */
  variables?: { name: string; type: VariableType }[];
  /** The declared panel (xtset), used when the spec has none. */
  panel?: { id: string; time: string };
  /** The sample condition, parsed (R needs the parse; without it the R code has a TODO). */
  condition?: CodeExprText;
}

/** One model's code: the lines the script would have for it, and the packages they need. */
export interface ModelCode {
  lang: CodeLang;
  lines: string[];
  /** Stata: SSC packages (ssc install …); R: packages (install.packages). */
  packages: string[];
  /** R: packages to attach with library() first. */
  attach?: string[];
}
