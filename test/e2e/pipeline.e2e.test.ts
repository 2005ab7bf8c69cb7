// End-to-end (issues 11 and 13): the paper pipeline in the real UI, Chromium against the
// browser-mode server (out/node/web/serve.js serving out/web). Example A (seed paper 000) from the
// start screen → the pipeline view lists the paper's tables by section, every model "not run" →
// Run the Baseline section from the UI → its four models turn fresh, the other sections stay not
// run, and Table 3's preview shows the two-way FE effect of ret within 4 SE of the truth (1.0) →
// a table moved to another section stays there after a reload, statuses still fresh → the
// composer opens a table and saves it back under a new title → the table exports to .docx →
// "New table…" in Robustness saves a composer selection as a new table → a model opens.
// Screenshots go to test-artifacts/e2e/pipeline-*.png.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TRUTH_000 } from '../../src/store/examples/generate000.js';
import { ARTIFACTS, useE2eSuite, openPage } from './harness.js';

// ---- server and browser (as in workflow.e2e.test.ts) ---------------------------------------------

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
}

/** The status badges of a table's models, in order. */
async function statuses(page: Page, key: string): Promise<string[]> {
  return page.getByTestId(`pipeline-table-${key}`).locator('[data-testid^="pipeline-status-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status') ?? ''));
}

/** A coefficient of a previewed table and the statistic in parentheses under it (column `col`, 0-based). */
async function previewCell(page: Page, key: string, rowLabel: string, col: number): Promise<{ estimate: number; paren: number; text: string }> {
  return page.getByTestId(`pipeline-preview-${key}`).evaluate(
    (el, { rowLabel, col }) => {
      const rows = [...el.querySelectorAll('tbody tr')];
      const i = rows.findIndex((r) => r.querySelector('th')?.textContent?.trim() === rowLabel);
      if (i < 0) return { estimate: Number.NaN, paren: Number.NaN, text: `no row "${rowLabel}" in: ${rows.map((r) => r.querySelector('th')?.textContent).join(' | ')}` };
      const cell = (r: Element) => r.querySelectorAll('td')[col]?.textContent?.trim() ?? '';
      const text = cell(rows[i]);
      return { estimate: Number(text.replace(/\*+$/, '')), paren: Number(cell(rows[i + 1]).replace(/[()]/g, '')), text };
    },
    { rowLabel, col },
  );
}

describe('browser-mode paper pipeline', () => {
  const suite = useE2eSuite('pipeline');
  const pageErrors: string[] = [];

  it.skipIf(suite.skip)(
    'opens example A, runs its baseline section from the pipeline view and shows the true effect',
    async () => {
      const { browser, url, home } = suite.ready();
      const { context, page } = await openPage(browser, pageErrors, { locale: 'en-US', viewport: { width: 1400, height: 1000 } });

      // 1. example A (seed paper 000) from the start screen: built on first use, 23 models
      await page.goto(url);
      await page.getByTestId('open-example-paper000').click();
      await page.getByTestId('model-item').nth(22).waitFor({ timeout: 120_000 });
      expect(await page.getByTestId('model-item').count()).toBe(23);

      // 2. the pipeline view: the paper's tables by section, nothing run yet
      await page.getByTestId('sidebar-pipeline').click();
      await page.getByTestId('pipeline-table-T3').waitFor({ timeout: 30_000 });
      const sectionOf = async (key: string) => page.getByTestId(`pipeline-table-${key}`).evaluate((el) => el.closest('[data-testid^="pipeline-section-"]')?.getAttribute('data-testid'));
      const expected: [string, string][] = [
        ['T1', 'descriptive'],
        ['T2', 'descriptive'],
        ['T3', 'baseline'],
        ['T6', 'robustness'],
        ['T7', 'robustness'],
        ['T4', 'endogeneity'],
        ['T5', 'endogeneity'],
        ['T8', 'heterogeneity'],
      ];
      for (const [key, section] of expected) expect(await sectionOf(key), key).toBe(`pipeline-section-${section}`);
      // sections in the paper's order: Baseline → Robustness → Endogeneity → Heterogeneity → Mechanism
      const order = await page.locator('[data-testid^="pipeline-section-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')?.replace('pipeline-section-', '')));
      expect(order).toEqual(['descriptive', 'baseline', 'robustness', 'endogeneity', 'heterogeneity', 'mechanism']);
      expect(await statuses(page, 'T3')).toEqual(['notRun', 'notRun', 'notRun', 'notRun']);
      expect(await page.getByTestId('pipeline-summary-T3').innerText()).toBe('0 of 4 fresh');
      await shot(page, 'pipeline-01-not-run');

      // 3. run the Baseline section from the UI: its four models turn fresh, the rest stay not run
      await page.getByTestId('pipeline-run-section-baseline').click();
      await page.waitForFunction(
        () => [...document.querySelectorAll('[data-testid="pipeline-table-T3"] [data-testid^="pipeline-status-"]')].every((e) => e.getAttribute('data-status') === 'fresh'),
        undefined,
        { timeout: 120_000 },
      );
      await page.getByTestId('pipeline-preview-T3').waitFor({ timeout: 30_000 });
      expect(await statuses(page, 'T3')).toEqual(['fresh', 'fresh', 'fresh', 'fresh']);
      expect(await page.getByTestId('pipeline-summary-T3').innerText()).toBe('4 of 4 fresh');
      expect(await statuses(page, 'T5')).toEqual(['notRun', 'notRun']);
      expect(await statuses(page, 'T8')).toEqual(Array(8).fill('notRun'));
      await page.getByTestId('status-message').filter({ hasText: 'Pipeline: 4 models estimated' }).waitFor({ timeout: 30_000 });

      // 4. Table 3 as the table view shows it: column (2), two-way FE, recovers β = 1.0 (t in parentheses)
      const ret = await previewCell(page, 'T3', 'cross-border e-commerce development', 1);
      expect(Number.isFinite(ret.estimate), ret.text).toBe(true);
      const se = Math.abs(ret.estimate / ret.paren);
      expect(se).toBeGreaterThan(0.01);
      expect(se).toBeLessThan(0.3);
      expect(Math.abs(ret.estimate - TRUTH_000.ret), `T3 (2) ret = ${ret.text} (t ${ret.paren}), truth ${TRUTH_000.ret}`).toBeLessThan(4 * se);
      // column (1), firm FE only, is attenuated by design but positive
      expect((await previewCell(page, 'T3', 'cross-border e-commerce development', 0)).estimate).toBeGreaterThan(0);
      const header = await page.getByTestId('pipeline-preview-T3').locator('thead').innerText();
      expect(header).toContain('(4)');
      expect(await page.getByTestId('pipeline-preview-T3').innerText()).toContain('Observations');
      await page.getByTestId('pipeline-table-T3').scrollIntoViewIfNeeded();
      await shot(page, 'pipeline-02-baseline-fresh');

      // 5. move Table 7 (system GMM) from Robustness to Endogeneity; after a reload it is still
      //    there, the view is restored and the baseline is still fresh
      await page.getByTestId('pipeline-move-T7').selectOption('endogeneity');
      await page.waitForFunction(() => document.querySelector('[data-testid="pipeline-table-T7"]')?.closest('[data-testid^="pipeline-section-"]')?.getAttribute('data-testid') === 'pipeline-section-endogeneity');
      await page.reload();
      await page.getByTestId('pipeline-table-T7').waitFor({ timeout: 30_000 });
      expect(await sectionOf('T7')).toBe('pipeline-section-endogeneity');
      const endo = await page.getByTestId('pipeline-section-endogeneity').locator('[data-testid^="pipeline-table-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
      expect(endo).toEqual(['pipeline-table-T4', 'pipeline-table-T5', 'pipeline-table-T7']);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="pipeline-table-T3"] [data-status="fresh"]').length === 4, undefined, { timeout: 30_000 });

      // 6. open Table 3 in the composer, give it a new title and save it back to the pipeline
      await page.getByTestId('pipeline-open-T3').click();
      const composer = page.getByTestId('table-composer');
      await composer.waitFor();
      await page.getByTestId('composer-preview').locator('table').waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('composer-title-input').inputValue()).toBe('Table 3 Baseline regressions');
      await page.getByTestId('composer-title-input').fill('Table 3 Baseline (two-way FE)');
      await page.getByTestId('composer-save-pipeline').click();
      await page.getByTestId('pipeline-table-T3').locator('h4', { hasText: 'Table 3 Baseline (two-way FE)' }).waitFor({ timeout: 30_000 });
      expect(await composer.isVisible()).toBe(false);
      expect(await statuses(page, 'T3')).toEqual(['fresh', 'fresh', 'fresh', 'fresh']);
      await shot(page, 'pipeline-03-saved');

      // 7. export Table 3 from the pipeline (browser mode asks for the path in the app)
      const docx = join(home, 'table3.docx');
      await page.getByTestId('pipeline-export-T3').click();
      await page.getByTestId('path-input').fill(docx);
      await page.getByTestId('path-ok').click();
      await page.getByTestId('status-message').filter({ hasText: 'written to' }).waitFor({ timeout: 30_000 });
      expect(existsSync(docx)).toBe(true);

      // 8. a new table of the Robustness section from the composer (the estimated models of the dataset)
      await page.getByTestId('pipeline-add-robustness').click();
      await composer.waitFor();
      await page.getByTestId('composer-preview').locator('table').waitFor({ timeout: 30_000 });
      await page.getByTestId('composer-title-input').fill('Two-way FE only');
      for (const id of await page.locator('[data-testid^="composer-model-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))) {
        // keep T3 (2) and T3 (4), the two-way columns
        const label = await page.getByTestId(id!).locator('xpath=..').innerText();
        if (/T3 \((1|3)\)/.test(label)) await page.getByTestId(id!).uncheck();
      }
      await page.getByTestId('composer-save-pipeline').click();
      const added = page.getByTestId('pipeline-section-robustness').locator('article', { hasText: 'Two-way FE only' });
      await added.waitFor({ timeout: 30_000 });
      expect(await added.locator('[data-testid^="pipeline-status-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(['fresh', 'fresh']);
      expect(await added.locator('thead').innerText()).toContain('(2)');
      await shot(page, 'pipeline-04-new-table');

      // 9. a model opens from its row in the model view
      const firstModel = page.getByTestId('pipeline-table-T3').locator('[data-testid^="pipeline-model-"]').first();
      await firstModel.click();
      await page.getByTestId('result-card').locator('[data-testid="result-table"]').waitFor({ timeout: 30_000 });

      expect(pageErrors, 'no uncaught errors in the page').toEqual([]);
      await context.close();
    },
    300_000,
  );
});
