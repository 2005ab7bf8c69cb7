// End-to-end (issue 11, guided UI): batch runs from the model form. Synthetic data from seed paper
// 003's generator is imported as a CSV; the form describes reghdfe cu ~ platform size klratio fc,
// absorb(firm year), vce(cluster firm). (a) "Run as: one model per group" with a median split of
// size named "large, small": the split tool builds size_gt_median (a variable with its recipe), two
// sibling models run through the job queue and, in the same action, a Heterogeneity table with the
// column groups "large | small" opens in the pipeline view. (b) "one model per outcome" with tfp and
// lnexport: a Mechanism table. Every coefficient, t statistic and N in both tables must equal the
// engine's own estimates computed here without the UI (the split dummy by the engine's splitDummy).
// Bad input is refused next to its field first; the same batch again reuses its models and table; a
// failing model (an outcome the FE absorb) is named and the others kept; Stop ends a batch. Screenshots go to test-artifacts/e2e/batch-*.png.
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type Column, MemorySource } from '../../src/engine/data.js';
import { estimate } from '../../src/engine/estimate.js';
import { splitDummy } from '../../src/engine/transform/index.js';
import { normalizeSpec } from '../../src/shared/spec.js';
import { generate003 } from '../../src/store/examples/generate003.js';
import { ARTIFACTS, useE2eSuite, newProjectWithCsv, openPage, writeCsv } from './harness.js';

const N_ROWS = 12_000;
const SEED = 3;
const CSV_COLUMNS = ['firm', 'year', 'industry', 'city', 'cu', 'platform', 'size', 'klratio', 'fc', 'soe', 'tfp', 'lnexport'] as const;
const X = ['platform', 'size', 'klratio', 'fc'];
const ABSORB = ['firm', 'year'];
const DECIMALS = 3; // the table defaults (collectTable): 3 decimals, t statistics, stars at 10/5/1 %
const STARS = [0.1, 0.05, 0.01];

/** The generated panel's columns as the CSV the test imports. */
function writeFixture(path: string): Record<string, Float64Array> {
  const g = generate003(N_ROWS, SEED);
  const cols = Object.fromEntries(CSV_COLUMNS.map((c) => [c, g.columns[c]!])) as Record<string, Float64Array>;
  writeCsv(path, CSV_COLUMNS, cols, g.rows);
  return cols;
}

interface Cell {
  coef: string;
  t: string;
  nobs: string;
}

const starsFor = (p: number) => '*'.repeat(STARS.filter((level) => p < level).length);

/** The engine itself (no UI, no store): the platform coefficient as the table prints it. */
function reference(source: MemorySource, y: string, sampleIf?: string): Cell {
  const spec = normalizeSpec({ estimator: 'hdfe', y, x: X, absorb: ABSORB, vcov: 'cluster', cluster: ['firm'], ...(sampleIf ? { sample: { if: sampleIf } } : {}) });
  const r = estimate(spec, source);
  const c = r.coefficients.find((row) => row.term === 'platform')!;
  return { coef: `${c.estimate.toFixed(DECIMALS)}${starsFor(c.p_value)}`, t: `(${c.statistic.toFixed(2)})`, nobs: String(r.nobs) };
}

/** Column `col` of a pipeline preview: the platform row, the statistic under it, Observations. */
async function previewColumn(preview: Locator, col: number): Promise<Cell> {
  return preview.evaluate((el, col) => {
    const rows = [...el.querySelectorAll('tbody tr')];
    const label = (r: Element) => r.querySelector('th')?.textContent?.trim() ?? '';
    const cell = (r: Element | undefined) => (r?.querySelectorAll('td')[col]?.textContent?.trim() ?? '').replace(/\u2212/g, '-');
    const i = rows.findIndex((r) => label(r) === 'platform');
    return { coef: cell(rows[i]), t: cell(rows[i + 1]), nobs: cell(rows.find((r) => label(r) === 'Observations')) };
  }, col);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `batch-${name}.png`), fullPage: false });
}

describe('batch runs from the model form', () => {
  const suite = useE2eSuite('batch');
  const pageErrors: string[] = [];

  it.skipIf(suite.skip)(
    'a median-split heterogeneity table and a mechanism table, each in one action, with the engine’s numbers',
    async () => {
      const { browser, url, home } = suite.ready();
      const csvPath = join(home, 'batch.csv');
      const cols = writeFixture(csvPath);
      const columns: Record<string, Column> = {};
      for (const [name, values] of Object.entries(cols)) columns[name] = { kind: 'numeric', values: Float64Array.from(values) };
      columns.size_gt_median = { kind: 'numeric', values: splitDummy({ name: 'size', column: columns.size! }, { stat: 'median' }).values };
      const source = new MemorySource(N_ROWS, columns);
      const refLarge = reference(source, 'cu', 'size_gt_median == 1');
      const refSmall = reference(source, 'cu', 'size_gt_median == 0');
      const refTfp = reference(source, 'tfp');
      const refExport = reference(source, 'lnexport');

      const { context, page } = await openPage(browser, pageErrors, { locale: 'en-US', viewport: { width: 1400, height: 1000 } });

      // 1. new project, the CSV through the import preview
      await newProjectWithCsv(page, url, join(home, 'batch.pstudio'), csvPath);
      await page.getByTestId('import-confirm').click();
      await page.getByTestId('dataset-item').filter({ hasText: N_ROWS.toLocaleString('en-US') }).waitFor({ timeout: 60_000 });

      // 2. the model: reghdfe cu platform size klratio fc, absorb(firm year) vce(cluster firm)
      await page.getByTestId('model-tab').click();
      await page.getByTestId('estimator-select').selectOption('hdfe');
      await page.getByTestId('absorb-field').waitFor();
      await page.getByTestId('y-select').selectOption('cu');
      for (const x of X) await page.getByTestId(`x-option-${x}`).check();
      for (const fe of ABSORB) {
        await page.getByTestId(`absorb-var-${fe}`).check();
        await page.getByTestId('absorb-add').click();
        await page.getByTestId(`absorb-chip-${fe}`).waitFor();
      }
      await page.getByTestId('vcov-select').selectOption('cluster');
      await page.getByTestId('cluster-select').selectOption('firm');
      const run = page.getByTestId('run-button');
      expect(await run.innerText()).toBe('Run');

      // 3. (a) by group: the split is defined right there; bad input is named next to its field
      await page.getByTestId('batch-mode').selectOption('groups');
      await page.getByTestId('batch-field').waitFor();
      expect(await page.getByTestId('by-group-select').count(), 'the one-variable by-group select gives way to the batch').toBe(0);
      await page.getByTestId('batch-split-kind-0').selectOption('median');
      await page.getByTestId('batch-problems-split-0').filter({ hasText: 'Choose the variable to split by.' }).waitFor();
      expect(await run.isDisabled()).toBe(true);
      await page.getByTestId('batch-split-var-0').selectOption('size');
      await page.getByTestId('batch-split-names-0').fill('large, mid, small');
      await page.getByTestId('batch-problems-split-0').filter({ hasText: '3 group names for 2 groups' }).waitFor();
      expect(await run.isDisabled()).toBe(true);
      await page.getByTestId('batch-split-names-0').fill('large, small');
      await page.getByTestId('batch-problems-split-0').waitFor({ state: 'detached' });
      expect(await page.getByTestId('batch-section').inputValue()).toBe('heterogeneity');
      expect(await run.innerText()).toBe('Run per group');
      await shot(page, '01-groups-form');
      await run.click();

      // the table opens in the pipeline view, in Heterogeneity, "large | small" over the columns
      const het = page.getByTestId('pipeline-section-heterogeneity').locator('article', { hasText: 'Heterogeneity by size (median)' });
      await het.waitFor({ timeout: 120_000 });
      await page.getByTestId('status-message').filter({ hasText: 'Estimated 2 models' }).waitFor({ timeout: 30_000 });
      const hetPreview = het.locator('[data-testid^="pipeline-preview-"]');
      await hetPreview.waitFor({ timeout: 30_000 });
      const groupsRow = await hetPreview.locator('thead tr').first().locator('th').allInnerTexts();
      expect(groupsRow.map((s) => s.trim())).toEqual(['', 'large', 'small']);
      expect(await hetPreview.locator('thead').innerText()).toMatch(/\(1\)\s+\(2\)/);
      expect(await het.locator('[data-testid^="pipeline-status-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(['fresh', 'fresh']);
      expect(await het.innerText()).toContain('[large]');
      const large = await previewColumn(hetPreview, 0);
      const small = await previewColumn(hetPreview, 1);
      expect(large, 'column (1): size above its median').toEqual(refLarge);
      expect(small, 'column (2): size at or below its median').toEqual(refSmall);
      expect(Number(refLarge.nobs) + Number(refSmall.nobs)).toBeLessThanOrEqual(N_ROWS);
      await het.scrollIntoViewIfNeeded();
      await shot(page, '02-groups-table');

      // 4. (b) each outcome, same right-hand side: a mechanism table
      await page.getByTestId('model-tab').click();
      // the split variable is now a variable of the dataset (built by the split tool)
      await page.getByTestId('x-option-size_gt_median').waitFor();
      expect(await page.getByTestId('batch-mode').inputValue()).toBe('groups');
      await page.getByTestId('batch-mode').selectOption('outcomes');
      await page.getByTestId('batch-problems-outcomes').filter({ hasText: 'Choose at least one outcome.' }).waitFor();
      expect(await run.isDisabled()).toBe(true);
      expect(await page.getByTestId('batch-outcomes-option-platform').count(), 'a regressor is not offered as an outcome').toBe(0);
      await page.getByTestId('batch-outcomes-option-tfp').check();
      await page.getByTestId('batch-outcomes-option-lnexport').check();
      expect(await page.getByTestId('batch-section').inputValue()).toBe('mechanism');
      await shot(page, '03-outcomes-form');
      await run.click();
      const mech = page.getByTestId('pipeline-section-mechanism').locator('article', { hasText: 'Mechanisms: tfp, lnexport' });
      await mech.waitFor({ timeout: 120_000 });
      const mechPreview = mech.locator('[data-testid^="pipeline-preview-"]');
      await mechPreview.waitFor({ timeout: 30_000 });
      const head = await mechPreview.locator('thead').innerText();
      expect(head).toContain('tfp');
      expect(head).toContain('lnexport');
      expect(await previewColumn(mechPreview, 0), 'tfp column').toEqual(refTfp);
      expect(await previewColumn(mechPreview, 1), 'lnexport column').toEqual(refExport);
      await mech.scrollIntoViewIfNeeded();
      await shot(page, '04-mechanism-table');

      // 5. running the same batch again reuses its models and its table (no copies)
      const before = await page.getByTestId('model-item').count();
      await page.getByTestId('model-tab').click();
      await page.getByTestId('pipeline-view').waitFor({ state: 'detached' });
      await run.click();
      await page.getByTestId('pipeline-view').waitFor({ timeout: 120_000 });
      await page.getByTestId('status-message').filter({ hasText: 'Estimated 2 models; the table “Mechanisms: tfp, lnexport”' }).waitFor({ timeout: 30_000 });
      await mech.locator('[data-testid^="pipeline-preview-"]').waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('pipeline-section-mechanism').locator('article', { hasText: 'Mechanisms: tfp, lnexport' }).count()).toBe(1);
      expect(await page.getByTestId('model-item').count()).toBe(before);

      // 6. a model that fails is named in the status and the others are kept: year is absorbed by the year FE
      await page.getByTestId('model-tab').click();
      await page.getByTestId('batch-outcomes-option-lnexport').uncheck();
      await page.getByTestId('batch-outcomes-option-year').check();
      await run.click();
      const failedMsg = page.getByTestId('status-message').filter({ hasText: '1 model(s) failed: year ~ platform' });
      await failedMsg.waitFor({ timeout: 120_000 });
      expect(await failedMsg.innerText()).toContain('The other 1 are in the table “Mechanisms: tfp”');
      const tfpOnly = page.getByTestId('pipeline-section-mechanism').locator('article', { hasText: 'Mechanisms: tfp' }).filter({ hasNotText: 'lnexport' });
      await tfpOnly.locator('[data-testid^="pipeline-preview-"]').waitFor({ timeout: 30_000 });
      expect(await previewColumn(tfpOnly.locator('[data-testid^="pipeline-preview-"]'), 0), 'the tfp column of the partial table').toEqual(refTfp);

      // 7. Stop ends a batch: one model per year (values of a variable), stopped at once; no table
      await page.getByTestId('model-tab').click();
      await page.getByTestId('batch-mode').selectOption('groups');
      await page.getByTestId('batch-split-kind-0').selectOption('levels');
      await page.getByTestId('batch-split-var-0').selectOption('year');
      await page.getByTestId('batch-split-names-0').fill('');
      await run.click();
      await page.getByTestId('batch-stop').click();
      const stopped = page.getByTestId('status-message').filter({ hasText: 'Batch stopped after' });
      await stopped.waitFor({ timeout: 60_000 });
      const [, done, total] = /after (\d+) of (\d+) models/.exec(await stopped.innerText()) ?? [];
      expect(Number(total)).toBeGreaterThan(2);
      expect(Number(done)).toBeLessThan(Number(total));
      expect(await page.getByTestId('pipeline-view').count(), 'the form stays open: no table was made').toBe(0);
      await page.getByTestId('sidebar-pipeline').click();
      await het.waitFor();
      expect(await page.getByTestId('pipeline-section-heterogeneity').locator('article').count(), 'only the median-split table').toBe(1);

      expect(pageErrors, 'no uncaught errors in the page').toEqual([]);
      await context.close();
    },
    300_000,
  );
});
