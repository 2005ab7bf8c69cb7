// Review screenshots of the main screens, in Chinese and in English, from the real UI in Chromium
// (browser mode): start screen, the data grid with a column header menu, the filter bar, a model
// form, its result, the table composer and descriptive statistics — on the paper-003 example
// project. With PANEL_STUDIO_SCREENSHOTS=1 they are written to docs/screenshots/ (the committed
// set, listed in docs/screenshots/README.md); otherwise to test-artifacts/screenshots/, so a plain
// test run leaves the working tree alone. Each run checks the screens are in the chosen language
// and every PNG is 1280×800.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ROOT, useE2eSuite, openPage } from './harness.js';

const OUT = process.env.PANEL_STUDIO_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'screenshots') : join(ROOT, 'test-artifacts', 'screenshots');
const WIDTH = 1280;
const HEIGHT = 800;

/** The screens, in order; the file of screen s in language l is `${l}-${s}.png`. */
export const SCREENS = ['01-start', '02-data-header-menu', '03-data-filter', '04-model-form', '05-result', '06-table-composer', '07-describe'] as const;

// ---- server and browser (as in workflow.e2e.test.ts) ---------------------------------------------

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  expect(b.readUInt32BE(0), `${file} is a PNG`).toBe(0x89504e47);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe('review screenshots', () => {
  const suite = useE2eSuite('screenshots', { homePrefix: 'panel-studio-e2e-shots-', extraArgs: ['--font-render-hinting=none'], outDir: OUT });

  for (const lang of ['zh', 'en'] as const) {
    it.skipIf(suite.skip)(
      `captures the main screens in ${lang === 'zh' ? 'Chinese' : 'English'}`,
      async () => {
        const { browser, url } = suite.ready();
        const pageErrors: string[] = [];
        const { context, page } = await openPage(browser, pageErrors, { locale: lang === 'zh' ? 'zh-CN' : 'en-US', viewport: { width: WIDTH, height: HEIGHT }, deviceScaleFactor: 1 });
        const shot = async (p: Page, screen: (typeof SCREENS)[number]) => {
          // no blinking caret or hover state in a review image
          await p.mouse.move(WIDTH - 2, HEIGHT - 2);
          await p.screenshot({ path: join(OUT, `${lang}-${screen}.png`), fullPage: false, caret: 'hide', animations: 'disabled' });
        };

        // 1. the start screen, in the browser's language
        await page.goto(url);
        // a project left open by an earlier run of this server: close it first
        await page.getByTestId('topbar-close').waitFor();
        if (await page.getByTestId('topbar-close').isEnabled()) await page.getByTestId('topbar-close').click();
        await page.getByTestId('open-example-paper003').waitFor();
        expect(await page.getByTestId('lang-switch').inputValue()).toBe(lang);
        await shot(page, '01-start');

        // 2. the example project; the header menu of the outcome (Chinese and English labels)
        await page.getByTestId('open-example-paper003').click();
        await page.getByTestId('grid').waitFor({ timeout: 180_000 });
        await page.locator('[data-testid="grid-row"][aria-rowindex="2"] .cell').first().filter({ hasText: /\S/ }).waitFor({ timeout: 60_000 });
        expect(await page.getByTestId('data-tab').innerText()).toBe(lang === 'zh' ? '数据' : 'Data');
        // scroll the grid right until the outcome's column is in view (columns are virtualised)
        await page.evaluate(async () => {
          const el = document.querySelector('[data-testid="grid"]') as HTMLDivElement;
          for (let i = 0; i < 40 && !document.querySelector('[data-testid="col-head-cu"]'); i++) {
            el.scrollLeft += 224;
            await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null))));
          }
        });
        await page.getByTestId('col-head-cu').click();
        await page.getByTestId('colmenu-summary').waitFor({ timeout: 60_000 });
        await page.getByTestId('colmenu-histogram').waitFor();
        await shot(page, '02-data-header-menu');
        await page.keyboard.press('Escape');

        // 3. the filter bar: adopters after 2010
        await page.getByTestId('filter-input').fill('platform == 1 & year >= 2011');
        await page.getByTestId('filter-input').press('Enter');
        await page.getByTestId('filter-count').waitFor({ timeout: 60_000 });
        await page.locator('[data-testid="grid-row"][aria-rowindex="2"] [data-testid="grid-rownum"]').filter({ hasText: /\d/ }).waitFor();
        await shot(page, '03-data-filter');
        await page.getByTestId('filter-clear').click();

        // running a selected example model unchanged estimates that model in place (no new entry);
        // its result table appears when the job is done
        const run = async () => {
          const before = await page.getByTestId('model-item').count();
          await page.getByTestId('run-button').click();
          await page.getByTestId('result-table').waitFor({ timeout: 300_000 });
          expect(await page.getByTestId('model-item').count()).toBe(before);
          await page.getByTestId('stat-nobs').waitFor();
        };
        const select = async (name: string) => {
          await page.getByTestId('model-item').filter({ hasText: name }).first().click();
          await page.getByTestId('form-card').waitFor();
          await page.waitForFunction(() => !(document.querySelector('[data-testid="run-button"]') as HTMLButtonElement | null)?.disabled);
        };

        // 4–5. the baseline regressions: the first column, then the form and result of the second
        await select('T2 (1)');
        await run();
        await select('T2 (2)');
        await shot(page, '04-model-form');
        await run();
        await page.getByTestId('result-card').evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await shot(page, '05-result');

        // 6. the table composer over the two baseline columns (a second language's runs add two
        //    more models: only the last two are columns)
        await page.getByTestId('table-compose').click();
        await page.getByTestId('composer-preview').waitFor();
        const columns = page.getByTestId('table-composer').locator('input[type="checkbox"][data-testid^="composer-model-"]');
        const nColumns = await columns.count();
        for (let i = 0; i < nColumns - 2; i++) await columns.nth(i).uncheck();
        await page.getByTestId('table-composer').locator('table').first().waitFor({ timeout: 30_000 });
        await shot(page, '06-table-composer');
        await page.getByTestId('composer-close').click();

        // 7. descriptive statistics of the main variables
        await page.getByTestId('describe-tab').click();
        for (const v of ['cu', 'platform', 'size', 'klratio', 'fc']) await page.getByTestId(`describe-vars-option-${v}`).check();
        await page.getByTestId('describe-run').click();
        await page.getByTestId('describe-table').waitFor({ timeout: 60_000 });
        await shot(page, '07-describe');

        // back to the start screen for the next language
        await page.getByTestId('topbar-close').click();
        await page.getByTestId('open-example-paper003').waitFor();
        expect(pageErrors).toEqual([]);
        await context.close();

        for (const screen of SCREENS) expect(pngSize(join(OUT, `${lang}-${screen}.png`)), screen).toEqual({ width: WIDTH, height: HEIGHT });
      },
      600_000,
    );
  }
});
