// The process that test/store/kill-save.test.ts kills: it opens a project through the store (as
// the main process and the CLI do) and runs one save-like operation, saying on stdout when it
// starts it. Bundled with rolldown by the test (better-sqlite3 stays external) and run by node.
//
//   node child.mjs save      P.pstudio ROWS   commit a dataset of ROWS rows while a reader pins the
//                                             WAL (the engine worker does), then save(): the
//                                             checkpoint has all of it to copy
//   node child.mjs save      P.pstudio 0      save() alone (with PANEL_STUDIO_TEST_PAUSE)
//   node child.mjs save-as   P.pstudio TARGET saveCopy(TARGET)
//   node child.mjs tool      P.pstudio        a tool writes three new variables into "big"
import Database from 'better-sqlite3';
import { applyToolOutput } from '../../src/store/apply-tool.js';
import { ProjectStore } from '../../src/store/project.js';
import { addDataset, value } from './kill-save-data.js';

const [scenario, project, arg] = process.argv.slice(2);
const say = (line: string) => process.stdout.write(`${line}\n`);

function main(): void {
  const store = ProjectStore.open(project);
  if (scenario === 'save') {
    const rows = Number(arg);
    if (rows > 0) {
      // a reader with an open read transaction (as the engine worker while it loads columns) keeps
      // the automatic checkpoints from copying the new pages: save() has to copy all of them
      const reader = new Database(project, { readonly: true });
      const pin = reader.prepare('SELECT id FROM datasets').iterate();
      pin.next();
      addDataset(store, 'big', rows, 8);
      pin.return?.();
      reader.close();
      say('committed');
    }
    say('saving');
    store.save();
    say('saved');
  } else if (scenario === 'save-as') {
    say('copying');
    store.saveCopy(arg);
    say('copied');
  } else if (scenario === 'tool') {
    const ds = store.findDataset('big');
    if (!ds) throw new Error('no dataset "big"');
    const columns = ['w0', 'w1', 'w2'].map((name, j) => ({ name, column: { kind: 'numeric' as const, values: Float64Array.from({ length: ds.nrows }, (_, i) => value(j + 10, i)) }, replace: false, inputs: ['v0'] }));
    say('writing');
    applyToolOutput(store, ds.id, { tool: 'winsorize', params: { vars: ['v0'] } }, { columns, warnings: [], describe: 'kill-save test' });
    say('written');
  } else throw new Error(`unknown scenario ${scenario}`);
  store.close();
}

main();
