// Numbered schema migrations; PRAGMA user_version holds the number of the last one applied.
// Never edit a shipped migration: add a new one.

export const APPLICATION_ID = 0x50537464; // "PStd": marks a SQLite file as a Panel Studio project

export const MIGRATIONS: string[] = [
  // 1: the initial schema
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE datasets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    nrows INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    source TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('staging', 'ready')),
    created_at TEXT NOT NULL
  );
  CREATE UNIQUE INDEX datasets_name ON datasets(name) WHERE status = 'ready';
  CREATE TABLE variables (
    id INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('numeric', 'categorical')),
    label_zh TEXT,
    label_en TEXT,
    levels TEXT,
    value_labels TEXT,
    recipe TEXT NOT NULL,
    missing INTEGER NOT NULL DEFAULT 0,
    UNIQUE (dataset_id, name)
  );
  CREATE TABLE chunks (
    variable_id INTEGER NOT NULL REFERENCES variables(id) ON DELETE CASCADE,
    chunk INTEGER NOT NULL,
    data BLOB NOT NULL,
    UNIQUE (variable_id, chunk)
  );
  CREATE TABLE models (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    spec TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('done', 'failed', 'stale')),
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE results (
    id INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
    spec_hash TEXT NOT NULL,
    dataset_version INTEGER NOT NULL,
    engine_version TEXT NOT NULL,
    result TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX results_lookup ON results(spec_hash, dataset_version, engine_version);
  CREATE INDEX results_model ON results(model_id);
  CREATE TABLE oplog (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('started', 'done', 'failed', 'interrupted'))
  );
  `,
  // 2: a dataset's declared panel structure (xtset): {"id": ..., "time": ...}
  `
  ALTER TABLE datasets ADD COLUMN panel TEXT;
  `,
  // 3: the paper pipeline (src/shared/pipeline.ts): saved tables by section, in order, with their
  // composer options (JSON) and their models in run order; a deleted model leaves every table
  `
  CREATE TABLE pipeline_tables (
    id INTEGER PRIMARY KEY,
    key TEXT,
    section TEXT NOT NULL CHECK (section IN ('descriptive', 'baseline', 'robustness', 'endogeneity', 'heterogeneity', 'mechanism', 'other')),
    position INTEGER NOT NULL,
    title_zh TEXT,
    title_en TEXT,
    options TEXT NOT NULL DEFAULT '{}',
    describe TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX pipeline_tables_order ON pipeline_tables(section, position);
  CREATE TABLE pipeline_table_models (
    table_id INTEGER NOT NULL REFERENCES pipeline_tables(id) ON DELETE CASCADE,
    model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    step INTEGER NOT NULL DEFAULT 0 CHECK (step IN (0, 1)),
    PRIMARY KEY (table_id, model_id)
  );
  CREATE INDEX pipeline_table_models_model ON pipeline_table_models(model_id);
  `,
  // 4: staleness per variable. A variable's `stamp` is the dataset version at which its data were
  // last written (import, a tool, a model's output; a replaced variable gets a new one). A result's
  // `inputs` (JSON, src/store/stamps.ts) records the stamps of the variables its model read, the
  // rows, and the stamps of the variables it wrote, so a change elsewhere in the dataset leaves it
  // fresh. Results stored before have no inputs and are judged by the dataset version, as before.
  `
  ALTER TABLE variables ADD COLUMN stamp INTEGER NOT NULL DEFAULT 0;
  UPDATE variables SET stamp = (SELECT d.version FROM datasets d WHERE d.id = variables.dataset_id);
  ALTER TABLE results ADD COLUMN inputs TEXT;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
