// `panel-studio code --project P.pstudio --lang stata|r --out F`: the whole project as a Stata
// do-file or an R script (docs/code-export.md), for a replication package. Reads the project only.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CODE_LANGS, type CodeLang, codeLangOfPath, generateCode } from '../shared/codegen/index.js';
import { AppError } from '../shared/errors.js';
import { describeProject } from '../store/project-description.js';
import { ProjectStore } from '../store/project.js';
import { parseArgs, required } from './args.js';

export function cmdCode(argv: string[]): number {
  const p = parseArgs(argv, ['project', 'lang', 'out']);
  const out = resolve(required(p, 'out'));
  const given = p.flags.get('lang')?.toLowerCase();
  if (given !== undefined && !(CODE_LANGS as readonly string[]).includes(given)) throw new AppError('INVALID_ARGUMENT', `--lang must be stata or r, got "${given}"`);
  const lang = (given as CodeLang | undefined) ?? codeLangOfPath(out);
  if (!lang) throw new AppError('INVALID_ARGUMENT', 'give --lang stata|r (or an --out name ending in .do or .R)');
  const store = ProjectStore.open(resolve(required(p, 'project')), { readonly: true });
  try {
    const text = generateCode(describeProject(store), lang);
    writeFileSync(out, text);
    process.stdout.write(`${JSON.stringify({ lang, out, lines: text.split('\n').length - 1 })}\n`);
    return 0;
  } finally {
    store.close();
  }
}
