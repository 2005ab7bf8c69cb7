// End-to-end (issue 11): which models the Pipeline tab marks stale after a variable changes, and the
// badge that names the variable (docs/tables.md "The pipeline: which models are fresh";
// PipelineView.svelte badgeTitle). On the paper-003 example, Table 2 (cu ~ platform; cu ~ platform
// + size klratio fc) and Table 6 (tfp and lnexport ~ platform + size klratio fc) are run; then,
// through the variable tools of the data view: a new variable built from fc leaves every model
// fresh; `replace fc = …` makes exactly the three models that read fc stale, the badge naming fc (in
// English and in Chinese), while cu ~ platform stays fresh; `replace cu = …` then makes both
// columns of Table 2 stale (the first naming cu, the second cu and fc) and leaves Table 6 as it was.
// Running the tables again makes every model fresh.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, useE2eSuite, openExample, openPage } from './harness.js';

interface Badge {
  name: string;
  status: string;
  title: string;
}

/** Each model of a pipeline table: its name, its badge's status and the badge's title. */
async function badges(page: Page, table: string): Promise<Badge[]> {
  return page
    .getByTestId(`pipeline-table-${table}`)
    .locator('li:has([data-testid^="pipeline-status-"])')
    .evaluateAll((lis) =>
      lis.map((li) => {
        const badge = li.querySelector('[data-testid^="pipeline-status-"]')!;
        return { name: li.querySelector('[data-testid^="pipeline-model-"]')?.textContent?.trim() ?? '', status: badge.getAttribute('data-status') ?? '', title: badge.getAttribute('title') ?? '' };
      }),
    );
}

/** Waits until the table's badges have these statuses (in column order). */
async function waitStatuses(page: Page, table: string, want: string[]): Promise<void> {
  await page.waitForFunction(
    ({ table, want }) => {
      const got = [...document.querySelectorAll(`[data-testid="pipeline-table-${table}"] [data-testid^="pipeline-status-"]`)].map((e) => e.getAttribute('data-status'));
      return got.length === want.length && got.every((s, i) => s === want[i]);
    },
    { table, want },
    { timeout: 120_000 },
  );
}

/** Runs a tool of the data view's tool panel; waits for its result naming `shows`. */
async function runTool(page: Page, tool: string, fill: Record<string, string>, shows: string): Promise<void> {
  await page.getByTestId('data-tab').click();
  await page.getByTestId('tool-panel').waitFor();
  await page.getByTestId('tool-select').selectOption(tool);
  for (const [key, value] of Object.entries(fill)) {
    const el = page.getByTestId(`tool-${key}`);
    if ((await el.evaluate((e) => e.tagName)) === 'SELECT') await el.selectOption(value);
    else await el.fill(value);
  }
  await page.getByTestId('tool-run').click();
  await page.getByTestId('tool-result').filter({ hasText: shows }).waitFor({ timeout: 60_000 });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `stale-${name}.png`), fullPage: false });
}

describe('the pipeline names the variable that made a model stale', () => {
  const suite = useE2eSuite('stale');
  const pageErrors: string[] = [];

  it.skipIf(suite.skip)(
    'replacing fc makes exactly the models that read it stale, naming fc; a new variable leaves them fresh',
    async () => {
      const { browser, url } = suite.ready();
      const { context, page } = await openPage(browser, pageErrors, { locale: 'en-US', viewport: { width: 1400, height: 1000 } });

      // 1. the example; Table 2 (baseline) and Table 6 (mechanisms) run from the Pipeline tab
      await openExample(page, url, 'paper003');
      await page.getByTestId('model-item').filter({ hasText: 'T2 (2)' }).waitFor({ timeout: 120_000 });
      await page.getByTestId('sidebar-pipeline').click();
      await page.getByTestId('pipeline-table-T2').waitFor({ timeout: 30_000 });
      expect((await badges(page, 'T2')).map((b) => b.status)).toEqual(['notRun', 'notRun']);
      await page.getByTestId('pipeline-run-section-baseline').click();
      await waitStatuses(page, 'T2', ['fresh', 'fresh']);
      await page.getByTestId('pipeline-run-section-mechanism').click();
      await waitStatuses(page, 'T6', ['fresh', 'fresh']);
      const t2 = await badges(page, 'T2');
      const t6 = await badges(page, 'T6');
      expect(t2.map((b) => b.name.slice(0, 6))).toEqual(['T2 (1)', 'T2 (2)']);
      expect(t6.map((b) => b.name.slice(0, 6))).toEqual(['T6 (1)', 'T6 (2)']);
      expect([...t2, ...t6].map((b) => b.title), 'a fresh badge has no reason').toEqual(['', '', '', '']);

      // 2. a new variable built from fc (fc itself untouched): every model stays fresh
      await runTool(page, 'generate', { name: 'fc_sq', expr: 'fc^2' }, 'fc_sq');
      await page.getByTestId('sidebar-pipeline').click();
      await page.getByTestId('pipeline-table-T2').waitFor();
      await waitStatuses(page, 'T2', ['fresh', 'fresh']);
      await waitStatuses(page, 'T6', ['fresh', 'fresh']);

      // 3. replace fc: the three models that read it are stale and say so; cu ~ platform is fresh
      await runTool(page, 'replace', { target: 'fc', expr: 'fc * 1.01' }, 'fc');
      await page.getByTestId('sidebar-pipeline').click();
      await waitStatuses(page, 'T2', ['fresh', 'stale']);
      await waitStatuses(page, 'T6', ['stale', 'stale']);
      const fcOnly = 'The data of fc changed after the last result';
      expect((await badges(page, 'T2')).map((b) => b.title)).toEqual(['', fcOnly]);
      expect((await badges(page, 'T6')).map((b) => b.title)).toEqual([fcOnly, fcOnly]);
      await page.getByTestId('pipeline-table-T2').scrollIntoViewIfNeeded();
      await shot(page, '01-fc-replaced');
      // the same in Chinese
      await page.getByTestId('lang-switch').selectOption('zh');
      await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
      expect((await badges(page, 'T6')).map((b) => b.title)).toEqual(['上次结果之后，变量 fc 的数据已变化', '上次结果之后，变量 fc 的数据已变化']);
      expect((await badges(page, 'T2'))[0]!.title).toBe('');
      await page.getByTestId('lang-switch').selectOption('en');
      await page.waitForFunction(() => document.documentElement.lang === 'en-US');

      // 4. replace cu: now both columns of Table 2 (the second naming both variables); Table 6
      //    (tfp, lnexport) does not read cu and keeps its reason
      await runTool(page, 'replace', { target: 'cu', expr: 'cu * 1.01' }, 'cu');
      await page.getByTestId('sidebar-pipeline').click();
      await waitStatuses(page, 'T2', ['stale', 'stale']);
      const [first, second] = await badges(page, 'T2');
      expect(first!.title).toBe('The data of cu changed after the last result');
      expect(second!.title).toMatch(/^The data of (cu, fc|fc, cu) changed after the last result$/);
      expect((await badges(page, 'T6')).map((b) => b.title)).toEqual([fcOnly, fcOnly]);

      // 5. running the tables again: every model fresh
      await page.getByTestId('pipeline-run-section-baseline').click();
      await waitStatuses(page, 'T2', ['fresh', 'fresh']);
      await page.getByTestId('pipeline-run-section-mechanism').click();
      await waitStatuses(page, 'T6', ['fresh', 'fresh']);

      expect(pageErrors, 'no uncaught errors in the page').toEqual([]);
      await context.close();
    },
    300_000,
  );
});
