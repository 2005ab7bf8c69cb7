// End-to-end (issue 11, guided UI): the two batch modes test/e2e/batch.e2e.test.ts does not run, on
// the paper-003 example project (233,819 firm-years, firm + industry×year + city×year FE, SE
// clustered by firm), by clicking and the keyboard. (a) "interaction with the treatment": the
// baseline model with controls, platform interacted with two splits — firm size above its median
// (the split tool builds size_gt_median, the interact tool platform_x_size_gt_median) and the 0/1
// variable soe — gives paper 003's Table 7 layout: one column per split, the split's name over it.
// (b) "controls step by step": platform alone, then size, klratio and fc added one at a time (the
// first column without controls), four columns without column groups in the Baseline section.
// Every coefficient shown (platform, the interaction, its t statistic) and N must equal the
// engine's own estimates, computed here without the UI on the generator's columns (the split dummy
// by the engine's splitDummy, the products multiplied here). docs/ui.md describes the layouts.
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type Column, MemorySource } from '../../src/engine/data.js';
import { estimate } from '../../src/engine/estimate.js';
import { splitDummy } from '../../src/engine/transform/index.js';
import { normalizeSpec } from '../../src/shared/spec.js';
import { generate003 } from '../../src/store/examples/generate003.js';
import { ARTIFACTS, useE2eSuite, openExample, openPage } from './harness.js';

// the example project's data and baseline (src/store/examples/paper003.ts)
const N_ROWS = 233_819;
const SEED = 3;
const COLUMNS = ['firm', 'year', 'industry', 'city', 'cu', 'platform', 'size', 'klratio', 'fc', 'soe'] as const;
const CONTROLS = ['size', 'klratio', 'fc'];
const ABSORB = ['firm', 'industry#year', 'city#year'];
const DECIMALS = 3; // the table defaults (collectTable): 3 decimals, t statistics, stars at 10/5/1 %
const STARS = [0.1, 0.05, 0.01];

/** The row label of each term in the tables: the variable's label (the example's, or the one the
 *  split and interact tools give what they build). */
const ROW: Record<string, string> = {
  platform: 'cross-border e-commerce platform',
  platform_x_size_gt_median: 'platform × size_gt_median',
  size_gt_median: 'size_gt_median',
  platform_x_soe: 'platform × soe',
  size: 'firm size (log employment)',
  klratio: 'capital intensity (log K/L)',
  fc: 'financing constraint',
};

const starsFor = (p: number) => '*'.repeat(STARS.filter((level) => p < level).length);

interface Cell {
  coef: string;
  t: string;
}

/** The engine itself: reghdfe cu x, absorb(firm industry#year city#year) vce(cluster firm). */
function reference(source: MemorySource, x: string[], terms: string[]): { cells: Record<string, Cell>; nobs: string } {
  const spec = normalizeSpec({ estimator: 'hdfe', y: 'cu', x, absorb: ABSORB, vcov: 'cluster', cluster: ['firm'] });
  const r = estimate(spec, source);
  const cells: Record<string, Cell> = {};
  for (const term of terms) {
    const c = r.coefficients.find((row) => row.term === term);
    if (!c) throw new Error(`${term} is not among the estimates of cu ~ ${x.join(' + ')}`);
    cells[term] = { coef: `${c.estimate.toFixed(DECIMALS)}${starsFor(c.p_value)}`, t: `(${c.statistic.toFixed(2)})` };
  }
  return { cells, nobs: String(r.nobs) };
}

/** Column `col` of a pipeline preview: each term's row (found by its label, ROW) and the statistic
 *  under it, Observations (thousands separators removed). A term absent from the column gives
 *  empty strings. */
async function previewColumn(preview: Locator, col: number, terms: string[]): Promise<{ cells: Record<string, Cell>; nobs: string }> {
  return preview.evaluate(
    (el, { col, terms, labels }) => {
      const rows = [...el.querySelectorAll('tbody tr')];
      const label = (r: Element) => r.querySelector('th')?.textContent?.trim() ?? '';
      const cell = (r: Element | undefined) => (r?.querySelectorAll('td')[col]?.textContent?.trim() ?? '').replace(/\u2212/g, '-');
      const cells: Record<string, { coef: string; t: string }> = {};
      for (const term of terms) {
        const i = rows.findIndex((r) => label(r) === labels[term]);
        cells[term] = i < 0 ? { coef: '', t: '' } : { coef: cell(rows[i]), t: cell(rows[i + 1]) };
      }
      return { cells, nobs: cell(rows.find((r) => label(r) === 'Observations')).replace(/,/g, '') };
    },
    { col, terms, labels: ROW },
  );
}

/** The header rows of a preview, each as its cells' texts. */
async function headRows(preview: Locator): Promise<string[][]> {
  return preview.locator('thead tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent?.trim() ?? '')));
}

/** The element with focus, as its data-testid. */
const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? '');

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `batch-more-${name}.png`), fullPage: false });
}

describe('batch runs on the paper-003 example: interactions and controls step by step', () => {
  const suite = useE2eSuite('batch more');
  const pageErrors: string[] = [];

  it.skipIf(suite.skip)(
    'platform × (size above its median, soe) as Table 7, and controls added one at a time, with the engine’s numbers',
    async () => {
      const { browser, url } = suite.ready();

      // the references: the generator's columns, the median split and the two products
      const g = generate003(N_ROWS, SEED);
      const columns: Record<string, Column> = {};
      for (const name of COLUMNS) columns[name] = { kind: 'numeric', values: Float64Array.from(g.columns[name]!) };
      const big = splitDummy({ name: 'size', column: columns.size! }, { stat: 'median' }).values;
      columns.size_gt_median = { kind: 'numeric', values: big };
      const product = (a: Float64Array, b: Float64Array) => Float64Array.from(a, (v, i) => v * b[i]!);
      const platform = columns.platform!.kind === 'numeric' ? columns.platform!.values : new Float64Array(0);
      columns.platform_x_size_gt_median = { kind: 'numeric', values: product(platform, big) };
      columns.platform_x_soe = { kind: 'numeric', values: product(platform, g.columns.soe!) };
      const source = new MemorySource(N_ROWS, columns);
      const refSize = reference(source, ['platform', 'platform_x_size_gt_median', 'size_gt_median', ...CONTROLS], ['platform', 'platform_x_size_gt_median']);
      const refSoe = reference(source, ['platform', 'platform_x_soe', 'soe', ...CONTROLS], ['platform', 'platform_x_soe']);
      const refSteps = [0, 1, 2, 3].map((k) => reference(source, ['platform', ...CONTROLS.slice(0, k)], ['platform']));

      const { context, page } = await openPage(browser, pageErrors, { locale: 'en-US', viewport: { width: 1400, height: 1000 } });

      // 1. the example project; its baseline model with controls into the form
      await openExample(page, url, 'paper003');
      const withControls = page.getByTestId('model-item').filter({ hasText: 'T2 (2)' });
      await withControls.waitFor({ timeout: 120_000 });
      await withControls.click();
      await page.getByTestId('form-card').waitFor();
      await page.waitForFunction(() => (document.querySelector('[data-testid="spec-preview-code"]')?.textContent ?? '').startsWith('reghdfe cu platform size klratio fc'), undefined, { timeout: 30_000 });
      const run = page.getByTestId('run-button');

      // 2. (a) interaction: the treatment defaults to the first regressor; two splits
      await page.getByTestId('batch-mode').selectOption('interaction');
      await page.getByTestId('batch-field').waitFor();
      expect(await page.getByTestId('batch-treatment').inputValue()).toBe('platform');
      await page.getByTestId('batch-split-kind-0').selectOption('median');
      await page.getByTestId('batch-split-var-0').selectOption('size');
      await page.getByTestId('batch-split-label-0').fill('Firm size');
      await page.getByTestId('batch-split-add').click();
      await page.getByTestId('batch-split-kind-1').selectOption('levels');
      await page.getByTestId('batch-split-var-1').selectOption('soe');
      await page.getByTestId('batch-split-label-1').fill('State-owned');
      expect(await page.getByTestId('batch-section').inputValue()).toBe('heterogeneity');
      await page.waitForFunction(() => !(document.querySelector('[data-testid="run-button"]') as HTMLButtonElement).disabled, undefined, { timeout: 30_000 });
      await shot(page, '01-interaction-form');
      // Run by keyboard: Enter on the focused button
      await run.focus();
      await page.keyboard.press('Enter');

      const het = page.getByTestId('pipeline-section-heterogeneity').locator('article', { hasText: 'interacted with Firm size, State-owned' });
      await het.waitFor({ timeout: 240_000 });
      await page.getByTestId('status-message').filter({ hasText: 'Estimated 2 models' }).waitFor({ timeout: 60_000 });
      expect(await het.locator('h4').first().innerText()).toMatch(/^Heterogeneity: .+ interacted with Firm size, State-owned/);
      const hetPreview = het.locator('[data-testid^="pipeline-preview-"]');
      await hetPreview.waitFor({ timeout: 30_000 });
      const hetHead = await headRows(hetPreview);
      // Table 7's header: each split's name over its column, then (1) (2), then the outcome
      expect(hetHead[0], JSON.stringify(hetHead)).toEqual(['', 'Firm size', 'State-owned']);
      expect(hetHead[1]).toEqual(['', '(1)', '(2)']);
      expect(hetHead[2], 'the outcome by its label').toEqual(['', 'capacity utilisation', 'capacity utilisation']);
      // the rows: the treatment, its product with the split and the split (the tools' labels), the
      // controls; soe does not vary within a firm, so the firm FE absorb it (no row)
      const rowLabels = (await hetPreview.locator('tbody th').allInnerTexts()).map((s) => s.trim()).filter((s) => s !== '');
      expect(rowLabels.slice(0, 7)).toEqual([ROW.platform, ROW.platform_x_size_gt_median, ROW.size_gt_median, ROW.size, ROW.klratio, ROW.fc, ROW.platform_x_soe]);
      expect(rowLabels).not.toContain('state-owned');
      expect(await het.locator('[data-testid^="pipeline-status-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(['fresh', 'fresh']);
      const col1 = await previewColumn(hetPreview, 0, ['platform', 'platform_x_size_gt_median', 'platform_x_soe']);
      const col2 = await previewColumn(hetPreview, 1, ['platform', 'platform_x_size_gt_median', 'platform_x_soe']);
      expect(col1.cells.platform, 'column (1): platform').toEqual(refSize.cells.platform);
      expect(col1.cells.platform_x_size_gt_median, 'column (1): platform × size above its median').toEqual(refSize.cells.platform_x_size_gt_median);
      expect(col1.cells.platform_x_soe, 'column (1) has no soe interaction').toEqual({ coef: '', t: '' });
      expect(col1.nobs).toBe(refSize.nobs);
      expect(col2.cells.platform, 'column (2): platform').toEqual(refSoe.cells.platform);
      expect(col2.cells.platform_x_soe, 'column (2): platform × soe').toEqual(refSoe.cells.platform_x_soe);
      expect(col2.cells.platform_x_size_gt_median).toEqual({ coef: '', t: '' });
      expect(col2.nobs).toBe(refSoe.nobs);
      await het.scrollIntoViewIfNeeded();
      await shot(page, '02-interaction-table');

      // 3. (b) controls step by step from the baseline without controls; controls ticked by keyboard
      const alone = page.getByTestId('model-item').filter({ hasText: 'T2 (1)' });
      await alone.click();
      await page.getByTestId('form-card').waitFor();
      await page.waitForFunction(() => (document.querySelector('[data-testid="spec-preview-code"]')?.textContent ?? '').startsWith('reghdfe cu platform,'), undefined, { timeout: 30_000 });
      await page.getByTestId('batch-mode').selectOption('controls');
      await page.getByTestId('batch-problems-controls').filter({ hasText: /control/i }).waitFor();
      expect(await run.isDisabled(), 'no controls yet').toBe(true);
      // into the controls list with Tab from its filter box, then letters and Space
      await page.getByTestId('batch-controls-search').focus();
      await page.keyboard.press('Tab');
      expect(await focused(page)).toMatch(/^batch-controls-option-/);
      for (const c of CONTROLS) {
        for (let i = 0; i < 40 && (await focused(page)) !== `batch-controls-option-${c}`; i++) await page.keyboard.press(c[0]!);
        expect(await focused(page)).toBe(`batch-controls-option-${c}`);
        await page.keyboard.press('Space');
      }
      expect(await page.locator('[data-testid="batch-controls-order"] .vname').allInnerTexts()).toEqual(CONTROLS);
      await page.getByTestId('batch-zero-controls').check();
      expect(await page.getByTestId('batch-section').inputValue()).toBe('baseline');
      await page.waitForFunction(() => !(document.querySelector('[data-testid="run-button"]') as HTMLButtonElement).disabled, undefined, { timeout: 30_000 });
      await shot(page, '03-controls-form');
      await run.click();

      const steps = page.getByTestId('pipeline-section-baseline').locator('article', { hasText: 'Adding controls step by step' });
      await steps.waitFor({ timeout: 240_000 });
      await page.getByTestId('status-message').filter({ hasText: 'Estimated 4 models' }).waitFor({ timeout: 60_000 });
      const stepsPreview = steps.locator('[data-testid^="pipeline-preview-"]');
      await stepsPreview.waitFor({ timeout: 30_000 });
      const stepsHead = await headRows(stepsPreview);
      // no column groups: the one outcome over all four columns, then the column numbers
      expect(stepsHead, JSON.stringify(stepsHead)).toEqual([
        ['', 'capacity utilisation'],
        ['', '(1)', '(2)', '(3)', '(4)'],
      ]);
      expect(await stepsPreview.locator('thead tr').first().locator('th, td').nth(1).getAttribute('colspan')).toBe('4');
      for (let k = 0; k < 4; k++) {
        const col = await previewColumn(stepsPreview, k, ['platform', ...CONTROLS]);
        expect(col.cells.platform, `column (${k + 1}): platform with ${k} control(s)`).toEqual(refSteps[k]!.cells.platform);
        expect(col.nobs, `column (${k + 1}): N`).toBe(refSteps[k]!.nobs);
        // the controls present are exactly the first k
        CONTROLS.forEach((c, j) => expect(col.cells[c]!.coef !== '', `column (${k + 1}) shows ${c}: ${j < k}`).toBe(j < k));
      }
      await steps.scrollIntoViewIfNeeded();
      await shot(page, '04-controls-table');

      expect(pageErrors, 'no uncaught errors in the page').toEqual([]);
      await context.close();
    },
    600_000,
  );
});
