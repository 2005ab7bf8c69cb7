// Code export (issue 10): the whole project as a Stata do-file or an R script, for replication
// packages. Pure: takes a ProjectDescription (src/store/project-description.ts builds one from a
// project file) and returns the script text, so it runs in main, the CLI or the renderer.
import { rScript } from './r.js';
import { stataScript } from './stata.js';
import type { CodeLang, ProjectDescription } from './types.js';

export type * from './types.js';

export const CODE_LANGS: readonly CodeLang[] = ['stata', 'r'];

/** The file extension of each language's script. */
export const CODE_EXTENSION: Record<CodeLang, string> = { stata: '.do', r: '.R' };

export function generateCode(description: ProjectDescription, lang: CodeLang): string {
  return lang === 'stata' ? stataScript(description) : rScript(description);
}

/** The language a file name asks for (.do → Stata, .R/.r → R), or null. */
export function codeLangOfPath(path: string): CodeLang | null {
  const m = /\.([A-Za-z]+)$/.exec(path);
  const ext = m ? m[1].toLowerCase() : '';
  return ext === 'do' ? 'stata' : ext === 'r' ? 'r' : null;
}
