// Code export (issue 10): the whole project as a Stata do-file or an R script, for replication
// packages. Pure: takes a ProjectDescription (src/store/project-description.ts builds one from a
// project file) and returns the script text, so it runs in main, the CLI or the renderer.
import type { ModelSpec } from '../spec.js';
import { rModelCode, rScript } from './r.js';
import { stataModelCode, stataScript } from './stata.js';
import type { CodeLang, ModelCode, ModelCodeContext, ProjectDescription } from './types.js';

export type * from './types.js';

export const CODE_LANGS: readonly CodeLang[] = ['stata', 'r'];

/** The file extension of each language's script. */
export const CODE_EXTENSION: Record<CodeLang, string> = { stata: '.do', r: '.R' };

export function generateCode(description: ProjectDescription, lang: CodeLang): string {
  return lang === 'stata' ? stataScript(description) : rScript(description);
}

/**
 * One model's code, as the project script would write it on the dataset in memory (Stata) or its
 * data frame (R): the model form's live preview of the spec being edited.
 */
export function modelCode(spec: ModelSpec, lang: CodeLang, ctx: ModelCodeContext = {}): ModelCode {
  return lang === 'stata' ? stataModelCode(spec, ctx) : rModelCode(spec, ctx);
}

/** The language a file name asks for (.do → Stata, .R/.r → R), or null. */
export function codeLangOfPath(path: string): CodeLang | null {
  const m = /\.([A-Za-z]+)$/.exec(path);
  const ext = m ? m[1].toLowerCase() : '';
  return ext === 'do' ? 'stata' : ext === 'r' ? 'r' : null;
}
