// An example's tables saved into its project's pipeline (issue 11): each table in its section of
// the seed paper's empirical strategy, its models found by the "T4 …" prefix of their names in
// creation (= run) order, a model that writes variables as a step (psm's _weight for the
// matched-sample columns after it, sfa's _te_bc for the regression on efficiency), the summary rows that suit the estimators, and a descriptive table's variables.
import { type PipelineSection, defaultTableStats } from '../../shared/pipeline.js';
import type { ProjectStore } from '../project.js';

export interface ExampleTable {
  id: string;
  title: { zh: string; en: string };
  /** Where the seed paper puts the table in its empirical strategy. */
  section: PipelineSection;
  /** Variables of a descriptive table (T1). */
  describe?: string[];
  /** The dataset a descriptive table describes (default: the project's first dataset). */
  dataset?: string;
}

/** The table a model belongs to: the leading "T2", "Table 2" or "表2" of its name. */
export function tableOfName(name: string): string | null {
  const m = /^(?:T|Table\s*|表\s*)(\d+)\b/i.exec(name.trim());
  return m ? `T${m[1]}` : null;
}

/** Estimators whose models in an example are steps: they write variables the next columns use. */
const STEP_ESTIMATORS = new Set<string>(['psm', 'sfa', 'tfp']);

export function saveExamplePipeline(store: ProjectStore, tables: readonly ExampleTable[]): void {
  const models = store.listModels();
  for (const t of tables) {
    if (t.describe) {
      const ds = (t.dataset ? store.findDataset(t.dataset) : null) ?? store.listDatasets()[0];
      store.savePipelineTable({ key: t.id, section: t.section, title: t.title, modelIds: [], describe: { datasetId: ds.id, variables: [...t.describe] } });
      continue;
    }
    const mine = models.filter((m) => tableOfName(m.name) === t.id);
    if (mine.length === 0) continue;
    const steps = mine.filter((m) => STEP_ESTIMATORS.has(m.spec.estimator)).map((m) => m.id);
    const columns = mine.filter((m) => !steps.includes(m.id));
    store.savePipelineTable({
      key: t.id,
      section: t.section,
      title: t.title,
      modelIds: mine.map((m) => m.id),
      steps,
      options: { stats: defaultTableStats(columns.map((m) => m.spec.estimator)) },
    });
  }
}
