// End-to-end: tables and charts in the real UI (Chromium against the browser-mode server).
// A firm panel with event-time dummies → an event-study regression, OLS by firm size and a PSM model
// from the form → the table composer with a column group over the two size columns (preview, .tex,
// .docx and the clipboard's HTML) → the chart panel: the event study (its markers at the result's
// estimates in the saved SVG), a histogram (bars that count every observation) saved as SVG and PDF,
// the PSM bias plot → the PSM balance table as .docx → the descriptive table as .xlsx read back.
// Screenshots go to test-artifacts/e2e/tables-*.png.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { C_NUM, C_STR, SheetReader } from '../../src/store/import/xlsx-sheet.js';
import { openWorkbook, readSharedStrings, readStyles } from '../../src/store/import/xlsx-workbook.js';
import { ZipArchive } from '../../src/store/import/xlsx-zip.js';
import { ARTIFACTS, useE2eSuite, openPage } from './harness.js';
import { mulberry32 } from '../../src/engine/psm/random.js';

// ---- fixture: 30 firms × 8 years; 20 firms treated in a staggered year, event-time dummies ------

const FIRMS = 30;
const YEARS = 8;
const N = FIRMS * YEARS;

function makeCsv(): { csv: string; y: number[]; x1: number[] } {
  const rand = mulberry32(7);
  const r4 = (v: number) => Number(v.toFixed(4));
  const lines = ['firm,year,y,x1,x2,large,treat,F2_d,d,L_d,L2_d'];
  const ys: number[] = [];
  const x1s: number[] = [];
  for (let f = 0; f < FIRMS; f++) {
    const event = f < 20 ? 2012 + (f % 4) : 0;
    const x2 = r4(rand() * 2 - 1 + (f < 20 ? 0.6 : 0));
    for (let k = 0; k < YEARS; k++) {
      const year = 2010 + k;
      const at = (s: number) => (event > 0 && year === event + s ? 1 : 0);
      const x1 = r4(rand() * 4 - 2);
      const noise = (rand() + rand() + rand() - 1.5) * 0.4;
      const y = r4(1 + 0.5 * at(0) + 0.8 * at(1) + 1.0 * at(2) + 0.3 * x1 + 0.2 * x2 + noise);
      const treat = x2 + (rand() - 0.5) > 0.2 ? 1 : 0;
      ys.push(y);
      x1s.push(x1);
      lines.push(`F${String(f + 1).padStart(2, '0')},${year},${y},${x1},${x2},${f < 15 ? 1 : 0},${treat},${at(-2)},${at(0)},${at(1)},${at(2)}`);
    }
  }
  return { csv: `${lines.join('\n')}\n`, y: ys, x1: x1s };
}

// ---- server and browser (as in workflow.e2e.test.ts) ---------------------------------------------

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `tables-${name}.png`), fullPage: false });
}

/** Answers the in-app path dialog and waits for the status line to name the file. */
async function savePath(page: Page, path: string): Promise<void> {
  await page.getByTestId('path-input').fill(path);
  await page.getByTestId('path-ok').click();
  const name = path.split('/').pop()!;
  await page.getByTestId('status-message').filter({ hasText: name }).waitFor({ timeout: 30_000 });
}

const attrs = (tag: string) => Object.fromEntries([...tag.matchAll(/([A-Za-z0-9:-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
const svgTags = (svg: string, cls: string) => [...svg.matchAll(new RegExp(`<[a-z]+ class="${cls}"[^>]*>`, 'g'))].map((m) => attrs(m[0]));

/** Data value → pixel along a linear axis, from the first and last tick marks of the SVG. */
function svgAxis(svg: string, which: 'x' | 'y'): (v: number) => number {
  const t = svgTags(svg, 'tick').filter((a) => a['data-axis'] === which);
  const p = (a: Record<string, string>) => Number(which === 'x' ? a.x1 : a.y1);
  const [a, b] = [t[0]!, t[t.length - 1]!];
  return (v) => p(a) + ((v - Number(a['data-value'])) / (Number(b['data-value']) - Number(a['data-value']))) * (p(b) - p(a));
}

const docXml = (file: string) => ZipArchive.open(readFileSync(file), 'x.docx').read('word/document.xml').toString('utf8');
const wordTexts = (xml: string) => [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]!);

describe('browser-mode tables and charts', () => {
  const suite = useE2eSuite('tables');
  const pageErrors: string[] = [];

  it.skipIf(suite.skip)(
    'composes a grouped table, draws and saves every chart kind, exports the PSM and descriptive tables',
    async () => {
      const { browser, url, home } = suite.ready();
      const fixture = makeCsv();
      const csvPath = join(home, 'panel.csv');
      writeFileSync(csvPath, fixture.csv);

      const { context, page } = await openPage(browser, pageErrors, { locale: 'en-US', viewport: { width: 1400, height: 1000 } });
      await page.goto(url);
      await page.getByTestId('lang-switch').selectOption('en');
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });

      // 1. a project and the panel
      await page.getByTestId('new-project').click();
      await page.getByTestId('path-input').fill(join(home, 'tables.pstudio'));
      await page.getByTestId('path-ok').click();
      await page.getByTestId('import-button').waitFor();
      const chooser = page.waitForEvent('filechooser');
      await page.getByTestId('import-button').click();
      await (await chooser).setFiles(csvPath);
      await page.getByTestId('import-preview').waitFor({ timeout: 30_000 });
      await page.getByTestId('import-confirm').click();
      await page.getByTestId('dataset-item').filter({ hasText: String(N) }).waitFor({ timeout: 30_000 });

      // 2. models: the event study, then OLS once per firm size (two sibling models)
      await page.getByTestId('model-tab').click();
      const run = page.getByTestId('run-button');
      const runEnabled = () => page.waitForFunction(() => !(document.querySelector('[data-testid="run-button"]') as HTMLButtonElement | null)?.disabled);
      await page.getByTestId('y-select').selectOption('y');
      for (const x of ['F2_d', 'd', 'L_d', 'L2_d', 'x1']) await page.getByTestId(`x-option-${x}`).check();
      await runEnabled();
      await run.click();
      await page.getByTestId('result-table').waitFor({ timeout: 60_000 });
      const estimate = async (term: string) => Number((await page.locator(`[data-testid="coef-row-${term}"] [data-testid="coef-estimate"] .value`).innerText()).replace(/[^\d.−-]/g, '').replace('−', '-'));
      const event = { F2_d: await estimate('F2_d'), d: await estimate('d'), L_d: await estimate('L_d'), L2_d: await estimate('L2_d') };
      expect(Math.abs(event.L2_d - 1)).toBeLessThan(0.3);
      for (const x of ['F2_d', 'L_d', 'L2_d']) await page.getByTestId(`x-option-${x}`).uncheck();
      await page.getByTestId('by-group-select').selectOption('large');
      await run.click();
      await page.getByTestId('model-item').nth(2).waitFor({ timeout: 60_000 });
      await page.getByTestId('by-group-select').selectOption('');
      await shot(page, '01-models');

      // 3. the composer: the two size models under one group "By firm size"; preview, .tex, .docx, copy
      await page.getByTestId('table-compose').click();
      await page.getByTestId('table-composer').waitFor();
      await page.getByTestId('table-composer').locator('input[type="checkbox"][data-testid^="composer-model-"]').first().uncheck();
      await page.getByTestId('composer-group-add').click();
      expect(await page.getByTestId('composer-group-span-0').inputValue()).toBe('2');
      await page.getByTestId('composer-group-label-0').fill('By firm size');
      const head = page.getByTestId('composer-preview').locator('thead tr').first();
      await head.filter({ hasText: 'By firm size' }).waitFor();
      expect(await head.locator('th').nth(1).getAttribute('colspan')).toBe('2');
      expect(await page.getByTestId('composer-preview').locator('thead tr').nth(1).innerText()).toMatch(/\(1\)\s+\(2\)/);
      await page.getByTestId('composer-group-span-0').fill('3');
      await page.getByTestId('composer-groups-error').filter({ hasText: 'The groups span 3 columns; the table has 2.' }).waitFor();
      expect(await page.getByTestId('composer-export').isDisabled()).toBe(true);
      await page.getByTestId('composer-group-span-0').fill('2');
      await shot(page, '02-composer-groups');
      await page.getByTestId('composer-export').click();
      const tex = join(home, 'het.tex');
      await savePath(page, tex);
      const t = readFileSync(tex, 'utf8');
      expect(t).toContain(' & \\multicolumn{2}{c}{By firm size} \\\\\n\\cmidrule(lr){2-3}\n & (1) & (2) \\\\');
      await page.getByTestId('composer-export').click();
      const docx = join(home, 'het.docx');
      await savePath(page, docx);
      const firstRow = /<w:tr>[\s\S]*?<\/w:tr>/.exec(docXml(docx))![0];
      expect(firstRow).toContain('<w:gridSpan w:val="2"/>');
      expect(wordTexts(firstRow)).toEqual(['By firm size']);
      await page.getByTestId('composer-copy').click();
      await page.getByTestId('status-message').filter({ hasText: 'copied' }).waitFor();
      const html = await page.evaluate(async () => {
        const items = await navigator.clipboard.read();
        return (await items[0]!.getType('text/html')).text();
      });
      expect(html).toMatch(/<th colspan="2" style="[^"]*border-bottom:\.5pt solid #000[^"]*">By firm size<\/th>/);
      await page.getByTestId('composer-close').click();

      // 4. charts: the event study of model (1), its markers at the estimates, saved as SVG
      await page.getByTestId('chart-panel').locator('summary').click();
      await page.getByTestId('chart-kind').selectOption('event');
      await page.locator('[data-testid="chart-view"][data-kind="event"]').waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('chart-event-terms').getAttribute('placeholder')).toBe('F2_d:-2, d:0, L_d:1, L2_d:2');
      await page.getByTestId('chart-view').scrollIntoViewIfNeeded();
      await shot(page, '03-event-study');
      await page.getByTestId('chart-view-svg').click();
      const eventSvg = join(home, 'event.svg');
      await savePath(page, eventSvg);
      const svg = readFileSync(eventSvg, 'utf8');
      expect(svg).toContain('data-kind="event"');
      expect(svgTags(svg, 'series')).toHaveLength(1);
      const [sx, sy] = [svgAxis(svg, 'x'), svgAxis(svg, 'y')];
      const periods: Record<string, number> = { F2_d: -2, d: 0, L_d: 1, L2_d: 2 };
      for (const [term, value] of Object.entries(event)) {
        const m = svgTags(svg, 'marker').find((a) => a['data-term'] === term)!;
        expect(m, term).toBeDefined();
        expect(Math.abs(Number(m.cx) - sx(periods[term]!))).toBeLessThan(0.6);
        // the estimate shown with 4 decimals, the SVG to 0.01 px
        expect(Math.abs(Number(m.cy) - sy(value)), term).toBeLessThan(Math.abs(sy(1) - sy(0)) * 0.0002 + 0.02);
      }
      const ref = svgTags(svg, 'marker').find((a) => a['data-term'] === 'reference')!;
      expect(Math.abs(Number(ref.cx) - sx(-1))).toBeLessThan(0.6);
      expect(Math.abs(Number(ref.cy) - sy(0))).toBeLessThan(0.02);

      // a histogram of y: bars that count all observations; the same chart as PDF
      await page.getByTestId('chart-kind').selectOption('histogram');
      await page.getByTestId('chart-variable').selectOption('y');
      await page.getByTestId('chart-bins').fill('12');
      // 12 bars of y (the title names the variable)
      await page.locator('[data-testid="chart-view"][data-kind="histogram"][data-marks="12"] canvas[aria-label="Distribution of y"]').waitFor({ timeout: 30_000 });
      await page.getByTestId('chart-view-svg').click();
      const histSvg = join(home, 'hist.svg');
      await savePath(page, histSvg);
      const hist = readFileSync(histSvg, 'utf8');
      const bars = svgTags(hist, 'bar').map((b) => Number(b['data-value']));
      expect(bars).toHaveLength(12);
      expect(bars.reduce((a, b) => a + b, 0)).toBe(N);
      const min = Math.min(...fixture.y);
      const width = (Math.max(...fixture.y) - min) / 12;
      expect(bars[0]).toBe(fixture.y.filter((v) => v < min + width).length);
      await page.getByTestId('chart-view-pdf').click();
      const histPdf = join(home, 'hist');
      await savePath(page, `${histPdf}.pdf`);
      const pdf = readFileSync(`${histPdf}.pdf`, 'latin1');
      expect(pdf.startsWith('%PDF-1.4')).toBe(true);
      const pdftotext = spawnSync('pdftotext', [`${histPdf}.pdf`, '-'], { encoding: 'utf8' });
      if (!pdftotext.error) expect(pdftotext.stdout).toContain('Distribution of y');
      await page.getByTestId('chart-view').scrollIntoViewIfNeeded();
      await shot(page, '04-histogram');

      // 5. PSM from the form; the bias plot in the chart panel; the balance table as .docx
      await page.getByTestId('estimator-select').selectOption('psm');
      // the form shows the last sibling model (large == 1): match on the whole panel
      await page.getByTestId('sample-if').fill('');
      await page.getByTestId('treatment-select').selectOption('treat');
      await page.getByTestId('x-option-d').uncheck();
      await page.getByTestId('x-option-x1').check();
      await page.getByTestId('x-option-x2').check();
      await runEnabled();
      await run.click();
      await page.getByTestId('psm-balance').waitFor({ timeout: 60_000 });
      await page.getByTestId('chart-kind').selectOption('bias');
      // two covariates, before and after matching
      await page.locator('[data-testid="chart-view"][data-kind="bias"][data-marks="4"]').waitFor({ timeout: 30_000 });
      await page.getByTestId('psm-balance-export').click();
      const balance = join(home, 'balance.docx');
      await savePath(page, balance);
      const bx = docXml(balance);
      const rows = [...bx.matchAll(/<w:tr>[\s\S]*?<\/w:tr>/g)].map((m) => wordTexts(m[0]).join('|'));
      expect(rows[0]).toBe('Mean');
      expect(rows[1]).toBe('Sample|Treated|Control|%bias|%reduct |bias||t-test p|V(T)/V(C)');
      expect(rows[2]).toMatch(/^x1\|Unmatched\|/);
      expect(rows[3]).toMatch(/^Matched\|/);
      expect(rows[4]).toMatch(/^x2\|Unmatched\|/);
      const shownBias = (await page.getByTestId('psm-bias-matched').first().innerText()).trim();
      expect(rows[3]!.split('|')[3]).toBe(shownBias);
      expect(wordTexts(bx)).toContain('Balance test of the covariates before and after matching');
      await page.getByTestId('chart-view').scrollIntoViewIfNeeded();
      await shot(page, '05-psm');

      // 6. Table 1 on the Describe tab, exported as .xlsx and read back
      await page.getByTestId('describe-tab').click();
      await page.getByTestId('describe-vars-option-y').check();
      await page.getByTestId('describe-vars-option-x1').check();
      await page.getByTestId('describe-run').click();
      await page.getByTestId('describe-table').waitFor({ timeout: 30_000 });
      await page.getByTestId('describe-export').click();
      const xlsx = join(home, 'table1.xlsx');
      await savePath(page, xlsx);
      const wb = await openWorkbook(xlsx);
      const reader = new SheetReader(wb.zip.read(wb.sheets[0]!.part), readSharedStrings(wb), readStyles(wb), wb.date1904, 'table1.xlsx');
      while (!reader.step(1 << 20));
      const { columns, strings } = reader.result;
      const cell = (r: number, c: number) => {
        const col = columns[c]!;
        const k = col.kindAt(r - 1);
        return k === C_NUM ? col.val[r - 1]! : k === C_STR ? strings[col.val[r - 1]!]! : null;
      };
      expect(cell(1, 0)).toBe('Descriptive statistics');
      expect([cell(3, 0), cell(3, 1)]).toEqual(['y', N]);
      expect(cell(3, 2) as number).toBeCloseTo(fixture.y.reduce((a, b) => a + b, 0) / N, 3);
      expect([cell(4, 0), cell(4, 1)]).toEqual(['x1', N]);
      expect(cell(4, 2) as number).toBeCloseTo(fixture.x1.reduce((a, b) => a + b, 0) / N, 3);
      await shot(page, '06-describe');

      expect(pageErrors, 'no uncaught errors in the page').toEqual([]);
      await context.close();
    },
    240_000,
  );
});
