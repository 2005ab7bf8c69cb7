// End-to-end accessibility (issue 11: "accessible — keyboard navigation, focus order, labels for
// screen readers"), in Chromium against the browser-mode server. docs/accessibility.md says what is
// covered and what is not.
//  1. axe-core (the WCAG 2 A and AA rules) on every main screen, in Chinese and in English: the start
//     screen, the data view (grid, column menu, filter bar with an error and with a filter applied),
//     the variable tool panel, the model form for ols / hdfe / iv, a result (table and coefficient
//     chart), the table composer, the pipeline view and descriptive statistics. Zero violations.
//  2. A core flow by keyboard only: open an example from the start screen, move through the grid
//     with the arrow keys, go to a variable from the sidebar, open its column menu, Tab stays inside
//     the menu, Escape closes it and focus returns to the header; the tabs move with the arrow keys;
//     Tab reaches the Run button; Escape closes the Recent menu and a dialog and focus returns.
//  3. Screen-reader semantics: the lang attribute follows the language, the tabs' aria-selected, the
//     grid's aria-rowcount / aria-rowindex / aria-colindex, the status bar's live regions, result
//     tables with a caption and header cells, icon-only buttons with a name.
// The violations found (none expected) go to test-artifacts/e2e/a11y-<lang>.json.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { AxeResults, Result } from 'axe-core';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, ROOT, useE2eSuite, openPage } from './harness.js';
import { mulberry32 } from '../../src/engine/psm/random.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The WCAG 2.0 A and AA rules (issue 11 names no stricter level). */
const TAGS = ['wcag2a', 'wcag2aa'];

/**
 * Rules switched off, each because it cannot apply to this app (not because it fails):
 *  - none so far. (Every rule of TAGS runs on every screen.)
 */
const DISABLED_RULES: Record<string, string> = {};

interface ScreenReport {
  screen: string;
  violations: { id: string; impact: string | null | undefined; help: string; nodes: { target: string; html: string; summary: string | undefined }[] }[];
}

/** Runs axe on the whole document; returns the violations in a short, readable form. */
async function audit(page: Page, screen: string): Promise<ScreenReport> {
  // axe.min.js through the DevTools protocol, so the page's CSP (script-src 'self') does not apply
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  // let transitions and pending renders settle (colour contrast is measured on what is painted)
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))));
  const results = (await page.evaluate(
    ({ tags, disabled }) => {
      const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<unknown> } }).axe;
      return axe.run(document, {
        runOnly: { type: 'tag', values: tags },
        rules: Object.fromEntries(disabled.map((id) => [id, { enabled: false }])),
        resultTypes: ['violations'],
      });
    },
    { tags: TAGS, disabled: Object.keys(DISABLED_RULES) },
  )) as AxeResults;
  return {
    screen,
    violations: results.violations.map((v: Result) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 60).map((n) => ({ target: n.target.join(' '), html: n.html.slice(0, 240), summary: n.failureSummary })),
    })),
  };
}

function describeViolations(reports: ScreenReport[]): string {
  return reports
    .filter((r) => r.violations.length > 0)
    .map((r) => `${r.screen}:\n${r.violations.map((v) => `  ${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target}  ${n.html}`).join('\n')}`).join('\n')}`)
    .join('\n');
}

/** The element that has focus, as its data-testid, `cell:<row>:<col>` for a grid cell, or tag#id. */
async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return 'body';
    if (el.dataset.cell) return `cell:${el.dataset.cell}`;
    return el.getAttribute('data-testid') ?? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}`;
  });
}

/** The focused element draws a focus ring (outline or box-shadow), and where it is in the layout. */
async function focusRing(page: Page): Promise<{ what: string; ring: boolean; top: number; left: number; inForm: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const cs = getComputedStyle(el);
    const ring = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none';
    const r = el.getBoundingClientRect();
    // the place in the layout: an item of a scrolling list (the variable pickers) counts as at its
    // list's top, plus a little for its place in the list
    let top = r.top;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const oy = getComputedStyle(a).overflowY;
      if ((oy !== 'auto' && oy !== 'scroll') || a.scrollHeight <= a.clientHeight) continue;
      if (a.closest('[data-testid="form-card"]') && !a.matches('[data-testid="form-card"]')) {
        const box = a.getBoundingClientRect();
        top = box.top + (top - box.top + a.scrollTop) / 1e4;
      } else {
        top += a.scrollTop; // the card or the page scrolled: the same for everything in it
      }
    }
    const what = el.getAttribute('data-testid') ?? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.getAttribute('aria-label') ? `[${el.getAttribute('aria-label')}]` : ''}`;
    return { what, ring, top, left: r.left, inForm: el.closest('[data-testid="form-card"]') !== null };
  });
}

/** Presses Tab until the element with this data-testid has focus (at most `limit` presses). */
async function tabTo(page: Page, testid: string, limit = 80, key = 'Tab'): Promise<number> {
  for (let i = 1; i <= limit; i++) {
    await page.keyboard.press(key);
    if ((await focused(page)) === testid) return i;
  }
  throw new Error(`${testid} not reached with ${limit} × ${key}; focus is on ${await focused(page)}`);
}

/** Opens the paper-000 example from the start screen (closing a project left open first). */
async function startScreen(page: Page, url: string): Promise<void> {
  await page.goto(url);
  // after loading, the app reopens the project the server still has open (the close button is
  // disabled until then): wait until it has settled on the start screen or on that project
  await page.locator('[data-testid="open-example-paper000"], [data-testid="topbar-close"]:enabled').first().waitFor({ timeout: 90_000 });
  if (await page.getByTestId('topbar-close').isEnabled()) await page.getByTestId('topbar-close').click();
  await page.getByTestId('open-example-paper000').waitFor({ timeout: 60_000 });
}

async function gridReady(page: Page): Promise<void> {
  await page.getByTestId('grid').waitFor({ timeout: 120_000 });
  await page.locator('[data-testid="grid-row"][aria-rowindex="2"] .cell').first().filter({ hasText: /\S/ }).waitFor({ timeout: 60_000 });
}

// ---- a small panel for the screens the example projects do not open: 300 firm-years with a
//      treatment (PSM), event-time dummies (event study), a production frontier (SFA), a second
//      outcome and a text column (the import preview's type choice, a split by values) -----------

function auditCsv(): string {
  const rand = mulberry32(20240611);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const r = (v: number) => Number(v.toFixed(5));
  const lines = ['firm,year,region,y,y2,x1,x2,t,F2_d,d,L_d,q,k,l'];
  for (let i = 0; i < 300; i++) {
    const firm = (i % 30) + 1;
    const year = 2001 + Math.floor(i / 30);
    const x1 = r(normal());
    const x2 = r(rand() * 2);
    const t = 0.4 * x1 - 0.3 * x2 + 0.2 + normal() > 0 ? 1 : 0;
    const start = 2003 + (firm % 5);
    const [f2, d, l1] = [year === start - 2, year === start, year === start + 1].map((b) => (b ? 1 : 0));
    const y = r(1 + 0.5 * t + 0.8 * x1 - 0.3 * x2 + 0.4 * d + 0.6 * l1 + 0.5 * normal());
    const k = r(Math.exp(1 + normal()));
    const l = r(Math.exp(0.5 + 0.8 * normal()));
    const q = r(Math.exp(0.5 + 0.4 * Math.log(k) + 0.5 * Math.log(l) + 0.15 * normal() - Math.abs(normal()) * 0.4));
    lines.push([firm, year, firm % 2 === 0 ? 'east' : 'west', y, r(y * 0.5 + normal()), x1, x2, t, f2, d, l1, q, k, l].join(','));
  }
  return `${lines.join('\n')}\n`;
}

async function waitRunnable(page: Page): Promise<void> {
  await page.waitForFunction(() => !(document.querySelector('[data-testid="run-button"]') as HTMLButtonElement | null)?.disabled, undefined, { timeout: 30_000 });
}

describe('accessibility', () => {
  const suite = useE2eSuite('a11y');

  it.skipIf(suite.skip)(
    'keyboard only: example → grid with the arrow keys → a variable → its column menu → Escape; tabs; Run; menus and dialogs return focus',
    async () => {
      const { browser, url } = suite.ready();
      const pageErrors: string[] = [];
      const { context, page } = await openPage(browser, pageErrors, { locale: 'en-US', viewport: { width: 1400, height: 900 } });
      await startScreen(page, url);

      // 1. the start screen: the first Tab stop is the skip link; then to the example, Enter opens it
      await page.locator('body').focus();
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.className ?? '')).toContain('skip-link');
      expect(await page.evaluate(() => getComputedStyle(document.activeElement as Element).top)).not.toMatch(/^-/);
      await tabTo(page, 'open-example-paper000');
      await page.keyboard.press('Enter');
      await page.getByTestId('model-item').nth(22).waitFor({ timeout: 120_000 });
      await page.keyboard.press('Control+1'); // the Data tab (shortcut)
      await gridReady(page);

      // 2. the grid is one Tab stop, on its active cell (first the first column's header)
      const firstHead = await page.locator('[data-testid^="col-head-"]').first().getAttribute('data-testid');
      const grid = page.getByTestId('grid');
      const nrows = Number(await grid.getAttribute('aria-rowcount')) - 1;
      const ncols = Number(await grid.getAttribute('aria-colcount')) - 1;
      expect(nrows).toBeGreaterThan(50);
      await tabTo(page, firstHead!);
      await page.keyboard.press('ArrowDown');
      expect(await focused(page)).toBe('cell:0:0');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowDown');
      expect(await focused(page)).toBe('cell:1:2');
      // the focused cell is announced with its row and column (aria-rowindex / aria-colindex)
      const where = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        return { row: el.closest('[role="row"]')?.getAttribute('aria-rowindex'), col: el.getAttribute('aria-colindex'), role: el.getAttribute('role') };
      });
      expect(where).toEqual({ row: '3', col: '4', role: 'gridcell' });
      expect((await focusRing(page)).ring, 'the active cell shows a focus ring').toBe(true);
      await page.keyboard.press('End');
      expect(await focused(page)).toBe(`cell:1:${ncols - 1}`);
      await page.keyboard.press('Control+End');
      expect(await focused(page)).toBe(`cell:${nrows - 1}:${ncols - 1}`);
      expect(await page.evaluate(() => document.activeElement?.closest('[role="row"]')?.getAttribute('aria-rowindex'))).toBe(String(nrows + 1));
      await page.keyboard.press('PageUp');
      expect(Number((await focused(page)).split(':')[1])).toBeLessThan(nrows - 5);
      await page.keyboard.press('Control+Home');
      expect(await focused(page)).toBe('cell:0:0');
      // Enter on a cell opens its column's menu; Escape closes it and focus is on that header
      await page.keyboard.press('Enter');
      await page.getByTestId('colmenu-summary').waitFor({ timeout: 60_000 });
      await page.keyboard.press('Escape');
      await page.getByTestId('column-menu').waitFor({ state: 'detached' });
      expect(await focused(page)).toBe(firstHead);

      // 3. a variable from the sidebar (Shift+Tab back to the variable list): Enter shows its
      //    column and focuses its header; Enter opens the column menu, Tab stays inside it
      await tabTo(page, 'variable-item', 120, 'Shift+Tab');
      const name = (await page.evaluate(() => (document.activeElement as HTMLElement).querySelector('.item-name')?.textContent ?? '')).trim();
      expect(name).not.toBe('');
      await page.keyboard.press('Enter');
      await page.waitForFunction((n) => document.activeElement?.getAttribute('data-testid') === `col-head-${n}`, name);
      await page.keyboard.press('Enter');
      await page.getByTestId('colmenu-summary').waitFor({ timeout: 60_000 });
      expect(await focused(page)).toBe('column-menu');
      const seen = new Set<string>();
      for (let i = 0; i < 16; i++) {
        await page.keyboard.press(i % 5 === 4 ? 'Shift+Tab' : 'Tab');
        const inside = await page.evaluate(() => document.querySelector('[data-testid="column-menu"]')?.contains(document.activeElement) ?? false);
        expect(inside, `Tab ${i + 1} stays in the column menu (focus on ${await focused(page)})`).toBe(true);
        const ring = await focusRing(page);
        expect(ring.ring, `${ring.what} shows a focus ring`).toBe(true);
        seen.add(ring.what);
      }
      expect(seen.has('colmenu-close') && seen.has('colmenu-sort-asc'), [...seen].join(', ')).toBe(true);
      await page.keyboard.press('Escape');
      await page.getByTestId('column-menu').waitFor({ state: 'detached' });
      expect(await focused(page)).toBe(`col-head-${name}`);

      // 4. the tabs: one Tab stop, the arrow keys move and select
      await tabTo(page, 'data-tab', 60, 'Shift+Tab');
      await page.keyboard.press('ArrowRight');
      expect(await focused(page)).toBe('describe-tab');
      expect(await page.getByTestId('describe-tab').getAttribute('aria-selected')).toBe('true');
      expect(await page.getByTestId('data-tab').getAttribute('aria-selected')).toBe('false');
      expect(await page.getByTestId('data-tab').getAttribute('tabindex')).toBe('-1');
      await page.keyboard.press('ArrowRight');
      expect(await focused(page)).toBe('model-tab');
      await page.getByTestId('form-card').waitFor();

      // 5. a model from the sidebar list (Shift+Tab back to it, Enter), then Tab reaches the Run
      //    button; every stop on the way shows a focus ring and the form's controls come top to bottom
      await tabTo(page, 'model-item', 80, 'Shift+Tab');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => !(document.querySelector('[data-testid="run-button"]') as HTMLButtonElement | null)?.disabled, undefined, { timeout: 30_000 });
      const path: Awaited<ReturnType<typeof focusRing>>[] = [];
      for (let i = 0; i < 120 && (await focused(page)) !== 'run-button'; i++) {
        await page.keyboard.press('Tab');
        path.push(await focusRing(page));
      }
      expect(await focused(page), `Run reached by Tab: ${path.map((p) => p.what).join(' → ')}`).toBe('run-button');
      const noRing = path.filter((p) => !p.ring).map((p) => p.what);
      expect(noRing, 'focus stops without a visible focus ring').toEqual([]);
      const form = path.filter((p) => p.inForm);
      const upward = form.filter((p, i) => i > 0 && p.top < form[i - 1].top - 4).map((p) => p.what);
      writeFileSync(join(ARTIFACTS, 'a11y-tab-order.json'), `${JSON.stringify(path, null, 2)}\n`);
      expect(upward, 'in the model form, Tab never goes back up the page').toEqual([]);

      // 6. the Recent menu: Enter opens it with focus inside, Escape closes it and focus returns
      await page.getByTestId('topbar-recent').focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('recent-menu').waitFor();
      // the menu opens at once and takes focus once the recent list has loaded (a round trip to the
      // host): wait for that, up to 5 s, rather than read the focus the moment the menu appears
      const focusInMenu = () => document.querySelector('[data-testid="recent-menu"]')?.contains(document.activeElement) ?? false;
      await page.waitForFunction(focusInMenu, undefined, { timeout: 5000 }).catch(() => undefined);
      expect(await page.evaluate(focusInMenu)).toBe(true);
      await page.keyboard.press('Escape');
      await page.getByTestId('recent-menu').waitFor({ state: 'detached' });
      expect(await focused(page)).toBe('topbar-recent');

      // 7. a dialog (Save as): focus in its input, Tab stays inside, Escape closes it and focus returns
      await page.keyboard.press('Tab');
      await tabTo(page, 'topbar-save-as', 10);
      await page.keyboard.press('Enter');
      await page.getByTestId('path-input').waitFor();
      expect(await focused(page)).toBe('path-input');
      for (let i = 0; i < 6; i++) {
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
      }
      await page.keyboard.press('Escape');
      await page.getByTestId('path-input').waitFor({ state: 'detached' });
      expect(await focused(page)).toBe('topbar-save-as');

      // 8. the language: the document's lang follows it (screen readers choose their voice from it)
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en-US');
      await page.getByTestId('lang-switch').selectOption('zh');
      await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
      expect(await page.getByTestId('data-tab').innerText()).toBe('数据');
      await page.getByTestId('lang-switch').selectOption('en');
      await page.waitForFunction(() => document.documentElement.lang === 'en-US');

      // 9. live regions: the status bar message and the job's progress are announced
      expect(await page.getByTestId('status-message').getAttribute('role')).toBe('status');
      expect(await page.getByTestId('job-live').getAttribute('aria-live')).toBe('polite');

      expect(pageErrors).toEqual([]);
      await context.close();
    },
    300_000,
  );

  it.skipIf(suite.skip)(
    'keyboard only in the model form: each variable list is one Tab stop; ↑ ↓ Home End and letters move, Space ticks; Run is a few Tabs from the dependent variable',
    async () => {
      const { browser, url } = suite.ready();
      const pageErrors: string[] = [];
      const { context, page } = await openPage(browser, pageErrors, { locale: 'en-US', viewport: { width: 1400, height: 900 } });
      await startScreen(page, url);
      await page.getByTestId('open-example-paper000').click();
      await page.getByTestId('model-item').nth(22).waitFor({ timeout: 120_000 });
      // a model of the analysis dataset first (so the form is on that dataset), then a new model
      await page.getByTestId('model-item').first().click();
      await page.getByTestId('form-card').waitFor();
      await page.getByTestId('new-model').click();
      await page.getByTestId('estimator-select').selectOption('ols');
      await page.getByTestId('vcov-select').selectOption('robust');
      await page.getByTestId('y-select').selectOption('qual_raw');

      // the regressor list: its checkboxes in order (all but the dependent variable)
      const names = await page.locator('[data-testid^="x-option-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice('x-option-'.length)));
      expect(names.length, 'the example has many variables to pick from').toBeGreaterThan(30);
      expect(names).not.toContain('qual_raw');
      const tabbable = await page.locator('[data-testid^="x-option-"]').evaluateAll((els) => els.filter((e) => (e as HTMLElement).tabIndex >= 0).length);
      expect(tabbable, 'one checkbox of the list is in the Tab order').toBe(1);
      // the group is labelled and says how the keys work
      const group = page.locator('[role="group"]').filter({ has: page.getByTestId(`x-option-${names[0]}`) });
      expect(await group.evaluate((el) => document.getElementById(el.getAttribute('aria-labelledby')!)?.textContent?.trim())).toBe('Regressors');
      expect(await group.evaluate((el) => el.getAttribute('aria-describedby')!.split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' '))).toContain('Space ticks one');

      // 1. from the dependent variable, Tab: the filter box, then the list (its first item)
      await page.getByTestId('y-select').focus();
      await tabTo(page, `x-option-${names[0]}`, 3);
      expect((await focusRing(page)).ring, 'the list item shows a focus ring').toBe(true);
      await page.keyboard.press('ArrowDown');
      expect(await focused(page)).toBe(`x-option-${names[1]}`);
      await page.keyboard.press('End');
      expect(await focused(page)).toBe(`x-option-${names[names.length - 1]}`);
      await page.keyboard.press('Home');
      expect(await focused(page)).toBe(`x-option-${names[0]}`);
      await page.keyboard.press('ArrowUp'); // the first item: stays
      expect(await focused(page)).toBe(`x-option-${names[0]}`);

      // 2. letters jump to the next variable starting with them (wrapping); Space ticks
      const next = (from: string, letter: string) => {
        const at = names.indexOf(from);
        for (let k = 1; k <= names.length; k++) {
          const n = names[(at + k) % names.length];
          if (n.startsWith(letter)) return n;
        }
        return from;
      };
      let at = names[0];
      for (const [letter, target] of [
        ['r', 'ret'],
        ['s', 'size'],
      ] as const) {
        for (let i = 0; i < 10 && at !== target; i++) {
          await page.keyboard.press(letter);
          at = next(at, letter);
          expect(await focused(page)).toBe(`x-option-${at}`);
        }
        expect(at).toBe(target);
        await page.keyboard.press('Space');
        expect(await page.getByTestId(`x-option-${target}`).isChecked()).toBe(true);
      }
      expect((await page.getByTestId('x-chosen').innerText()).replace(/\s+/g, ' ')).toMatch(/1\s?ret.*2\s?size/);
      const code = page.getByTestId('spec-preview-code');
      await code.waitFor();
      expect(await code.innerText()).toBe('regress qual_raw ret size, vce(robust)');

      // 3. Tab leaves the list at once (the other checkboxes are not stops); back into it with
      //    Shift+Tab lands on the item focused last
      await page.keyboard.press('Tab');
      expect(await focused(page)).not.toMatch(/^x-option-/);
      await page.keyboard.press('Shift+Tab');
      expect(await focused(page)).toBe('x-option-size');

      // 4. hdfe: from the dependent variable to Run in a few presses (the regressor and absorb lists
      //    are one stop each), ticking the fixed effects by keyboard on the way
      await page.getByTestId('estimator-select').selectOption('hdfe');
      await page.getByTestId('vcov-select').selectOption('cluster');
      await page.getByTestId('cluster-select').selectOption('firm');
      await page.getByTestId('y-select').focus();
      const stops: string[] = [];
      for (let i = 0; i < 40 && (await focused(page)) !== 'run-button'; i++) {
        await page.keyboard.press('Tab');
        const f = await focused(page);
        stops.push(f);
        if (f.startsWith('absorb-var-') && !(await page.getByTestId('absorb-chosen').innerText()).includes('firm')) {
          await page.keyboard.press('f'); // firm (the first variable starting with f after the stop)
          for (let k = 0; k < 10 && (await focused(page)) !== 'absorb-var-firm'; k++) await page.keyboard.press('f');
          expect(await focused(page)).toBe('absorb-var-firm');
          await page.keyboard.press('Space');
          await page.keyboard.press('Tab');
          stops.push(await focused(page));
          expect(await focused(page)).toBe('absorb-add');
          await page.keyboard.press('Enter');
          await page.getByTestId('absorb-chip-firm').waitFor();
        }
      }
      expect(await focused(page), stops.join(' → ')).toBe('run-button');
      writeFileSync(join(ARTIFACTS, 'a11y-form-tab-stops.json'), `${JSON.stringify(stops, null, 2)}\n`);
      // the way (chips, filter boxes, one stop per list, the absorb builder, SE, cluster, if, by
      // group, the preview's buttons, Run as) is short; each list used to be one stop per variable
      expect(stops.length, stops.join(" → ")).toBeLessThanOrEqual(22);
      expect(stops.filter((s) => s.startsWith('x-option-')).length).toBe(1);
      expect(stops.filter((s) => s.startsWith('absorb-var-')).length).toBe(1);
      expect(await code.innerText()).toBe('reghdfe qual_raw ret size, absorb(firm) vce(cluster firm)');

      expect(pageErrors).toEqual([]);
      await context.close();
    },
    300_000,
  );

  for (const lang of ['zh', 'en'] as const) {
    it.skipIf(suite.skip)(
      `axe finds no WCAG 2 A/AA violation on the main screens (${lang === 'zh' ? 'Chinese' : 'English'})`,
      async () => {
        const { browser, url } = suite.ready();
        const pageErrors: string[] = [];
        const { context, page } = await openPage(browser, pageErrors, { locale: lang === 'zh' ? 'zh-CN' : 'en-US', viewport: { width: 1400, height: 900 } });
        const reports: ScreenReport[] = [];
        const check = async (screen: string) => {
          reports.push(await audit(page, screen));
        };

        // the start screen, and the document's language
        await startScreen(page, url);
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang === 'zh' ? 'zh-CN' : 'en-US');
        await check('start');

        // the example project: data view with the grid
        await page.getByTestId('open-example-paper000').click();
        await page.getByTestId('model-item').nth(22).waitFor({ timeout: 120_000 });
        await page.getByTestId('data-tab').click();
        await gridReady(page);
        await check('data');

        // the column menu of the first column
        await page.locator('[data-testid^="col-head-"]').first().click();
        await page.getByTestId('colmenu-summary').waitFor({ timeout: 60_000 });
        await check('column-menu');
        await page.keyboard.press('Escape');
        await page.getByTestId('column-menu').waitFor({ state: 'detached' });

        // the filter bar: a bad condition (its error), then a good one (the count)
        await page.getByTestId('filter-input').fill('year >>> 3');
        await page.getByTestId('filter-input').press('Enter');
        await page.getByTestId('filter-error').waitFor({ timeout: 30_000 });
        await check('filter-error');
        await page.getByTestId('filter-input').fill('year >= 2015');
        await page.getByTestId('filter-input').press('Enter');
        await page.getByTestId('filter-count').waitFor({ timeout: 60_000 });
        await check('filter-applied');
        await page.getByTestId('filter-clear').click();

        // the variable tool panel with a tool chosen
        await page.getByTestId('tool-select').selectOption({ index: 1 });
        await check('tool-panel');

        // the model form for ols, hdfe and iv (a new model; nothing run)
        await page.getByTestId('new-model').click();
        await page.getByTestId('form-card').waitFor();
        for (const est of ['ols', 'hdfe', 'iv']) {
          await page.getByTestId('estimator-select').selectOption(est);
          await check(`model-form-${est}`);
        }

        // a result: run the Baseline section from the pipeline view, then open its first model
        await page.getByTestId('sidebar-pipeline').click();
        await page.getByTestId('pipeline-table-T3').waitFor({ timeout: 30_000 });
        await check('pipeline');
        await page.getByTestId('pipeline-run-section-baseline').click();
        await page.waitForFunction(
          () => [...document.querySelectorAll('[data-testid="pipeline-table-T3"] [data-testid^="pipeline-status-"]')].every((e) => e.getAttribute('data-status') === 'fresh'),
          undefined,
          { timeout: 120_000 },
        );
        await page.getByTestId('pipeline-preview-T3').waitFor({ timeout: 30_000 });
        await check('pipeline-run');

        const fresh = page.getByTestId('model-item').filter({ has: page.locator('.badge.done') });
        await fresh.first().click();
        await page.getByTestId('result-table').waitFor({ timeout: 60_000 });
        await page.getByTestId('chart-panel').evaluate((el) => ((el as HTMLDetailsElement).open = true));
        await page.getByTestId('chart-card').locator('canvas, svg, .muted').first().waitFor({ timeout: 30_000 });
        await check('result');
        // the coefficient table has a caption naming its outcome, and column headers
        expect((await page.getByTestId('result-table').locator('caption').textContent())?.trim()).toMatch(lang === 'en' ? /^Coefficients: \S/ : /^回归系数：\S/);
        expect(await page.getByTestId('result-table').locator('thead th[scope]').count()).toBeGreaterThan(5);

        // the table composer
        await page.getByTestId('table-compose').click();
        await page.getByTestId('composer-preview').locator('table').first().waitFor({ timeout: 30_000 });
        await check('table-composer');
        await page.getByTestId('composer-close').click();

        // descriptive statistics
        await page.getByTestId('describe-tab').click();
        await page.locator('[data-testid^="describe-vars-option-"]').first().check();
        await page.locator('[data-testid^="describe-vars-option-"]').nth(1).check();
        await page.getByTestId('describe-run').click();
        await page.getByTestId('describe-table').waitFor({ timeout: 60_000 });
        await check('describe');

        // a dialog (the path prompt of "Save as")
        await page.getByTestId('topbar-save-as').click();
        await page.getByTestId('path-input').waitFor();
        await check('path-dialog');
        await page.keyboard.press('Escape');

        writeFileSync(join(ARTIFACTS, `a11y-${lang}.json`), `${JSON.stringify(reports, null, 2)}\n`);
        const text = describeViolations(reports);
        if (text) console.log(`[a11y ${lang}]\n${text}`);
        expect(text, 'axe violations').toBe('');
        expect(pageErrors).toEqual([]);
        await context.close();
      },
      400_000,
    );
  }

  for (const lang of ['zh', 'en'] as const) {
    it.skipIf(suite.skip)(
      `axe finds no WCAG 2 A/AA violation on the import preview, the Excel sheet dialog, every chart kind, the PSM and SFA results and the batch field in each mode (${lang === 'zh' ? 'Chinese' : 'English'})`,
      async () => {
        const { browser, url, home } = suite.ready();
        const pageErrors: string[] = [];
        const { context, page } = await openPage(browser, pageErrors, { locale: lang === 'zh' ? 'zh-CN' : 'en-US', viewport: { width: 1400, height: 900 } });
        const reports: ScreenReport[] = [];
        const check = async (screen: string) => {
          reports.push(await audit(page, screen));
        };
        const csvPath = join(home, `audit-${lang}.csv`);
        writeFileSync(csvPath, auditCsv());
        const xlsxPath = join(home, `audit-${lang}.xlsx`);
        copyFileSync(join(ROOT, 'test', 'fixtures', 'xlsx', 'openpyxl.xlsx'), xlsxPath);

        // a new project
        await startScreen(page, url);
        await page.getByTestId('lang-switch').selectOption(lang);
        await page.getByTestId('new-project').click();
        await page.getByTestId('path-input').fill(join(home, `audit-${lang}.pstudio`));
        await page.getByTestId('path-ok').click();
        await page.getByTestId('import-button').waitFor();

        // the import preview of a CSV (a type changed), then imported
        let chooser = page.waitForEvent('filechooser');
        await page.getByTestId('import-button').click();
        await (await chooser).setFiles(csvPath);
        await page.getByTestId('import-preview').locator('table').waitFor({ timeout: 30_000 });
        await page.getByTestId('preview-type-firm').selectOption('text');
        await page.getByTestId('preview-type-firm').selectOption('numeric');
        await check('import-preview');
        await page.getByTestId('import-confirm').click();
        await page.getByTestId('dataset-item').filter({ hasText: '300' }).waitFor({ timeout: 30_000 });

        // the Excel sheet dialog (a workbook of two sheets), then cancelled
        chooser = page.waitForEvent('filechooser');
        await page.getByTestId('import-button').click();
        await (await chooser).setFiles(xlsxPath);
        await page.getByTestId('sheet-select').waitFor({ timeout: 30_000 });
        expect(await page.getByTestId('sheet-select').locator('option').count()).toBe(2);
        await check('sheet-dialog');
        await page.keyboard.press('Escape');
        await page.getByTestId('sheet-dialog').evaluate((el) => new Promise((r) => (el as HTMLDialogElement).open ? el.addEventListener('close', () => r(null), { once: true }) : r(null)));

        // an event-study regression, then every chart kind that reads models or a variable
        await page.getByTestId('model-tab').click();
        await page.getByTestId('form-card').waitFor();
        await page.getByTestId('estimator-select').selectOption('ols');
        await page.getByTestId('y-select').selectOption('y');
        for (const x of ['F2_d', 'd', 'L_d', 'x1']) await page.getByTestId(`x-option-${x}`).check();
        await waitRunnable(page);
        await page.getByTestId('run-button').click();
        await page.getByTestId('result-table').waitFor({ timeout: 60_000 });
        await page.getByTestId('chart-panel').evaluate((el) => ((el as HTMLDetailsElement).open = true));
        for (const kind of ['event', 'histogram', 'density', 'hist-density']) {
          await page.getByTestId('chart-kind').selectOption(kind);
          await page.locator(`[data-testid="chart-view"][data-kind]`).first().waitFor({ timeout: 30_000 });
          await page.waitForFunction((k) => {
            const el = document.querySelector('[data-testid="chart-view"]');
            return el !== null && Number(el.getAttribute('data-marks')) > 0 && (k === 'event' ? el.getAttribute('data-kind') === 'event' : el.getAttribute('data-kind') !== 'event' && el.getAttribute('data-kind') !== 'coef');
          }, kind, { timeout: 30_000 });
          await check(`chart-${kind}`);
        }

        // PSM: its result view (effects, balance, densities, bias plot), then its two chart kinds
        await page.getByTestId('estimator-select').selectOption('psm');
        await page.getByTestId('y-select').selectOption('y');
        await page.getByTestId('treatment-select').selectOption('t');
        for (const x of ['F2_d', 'd', 'L_d']) if (await page.getByTestId(`x-option-${x}`).isChecked()) await page.getByTestId(`x-option-${x}`).uncheck();
        for (const x of ['x1', 'x2']) if (!(await page.getByTestId(`x-option-${x}`).isChecked())) await page.getByTestId(`x-option-${x}`).check();
        await waitRunnable(page);
        await page.getByTestId('run-button').click();
        await page.getByTestId('psm-effect-att').waitFor({ timeout: 60_000 });
        await page.getByTestId('psm-bias-chart').waitFor({ timeout: 30_000 });
        await check('psm-result');
        await page.getByTestId('chart-panel').evaluate((el) => ((el as HTMLDetailsElement).open = true));
        for (const kind of ['psm-density', 'bias']) {
          await page.getByTestId('chart-kind').selectOption(kind);
          await page.waitForFunction((k) => document.querySelector('[data-testid="chart-view"]')?.getAttribute('data-kind') === k, kind, { timeout: 30_000 });
          await check(`chart-${kind}`);
        }

        // SFA: its result view
        await page.getByTestId('estimator-select').selectOption('sfa');
        await page.getByTestId('y-select').selectOption('q');
        for (const x of ['x1', 'x2']) if (await page.getByTestId(`x-option-${x}`).isChecked()) await page.getByTestId(`x-option-${x}`).uncheck();
        for (const x of ['k', 'l']) await page.getByTestId(`x-option-${x}`).check();
        await waitRunnable(page);
        await page.getByTestId('run-button').click();
        await page.locator('[data-testid="coef-row-ln(k)"]').waitFor({ timeout: 60_000 });
        await check('sfa-result');

        // the batch field in each mode (a new OLS model: y on x1 x2)
        await page.getByTestId('new-model').click();
        await page.getByTestId('estimator-select').selectOption('ols');
        await page.getByTestId('y-select').selectOption('y');
        for (const x of ['x1', 'x2']) await page.getByTestId(`x-option-${x}`).check();
        await page.getByTestId('batch-mode').selectOption('groups');
        await page.getByTestId('batch-field').waitFor();
        await check('batch-groups-empty'); // no split variable yet: its problem shows
        await page.getByTestId('batch-split-kind-0').selectOption('levels');
        await page.getByTestId('batch-split-var-0').selectOption('region');
        await check('batch-groups-levels');
        await page.getByTestId('batch-split-add').click();
        await page.getByTestId('batch-split-kind-1').selectOption('median');
        await page.getByTestId('batch-split-var-1').selectOption('x2');
        await page.getByTestId('batch-split-within-1').selectOption('year');
        await page.getByTestId('batch-split-names-1').fill('a, b, c'); // three names for two groups: a problem
        await check('batch-groups-median');
        await page.getByTestId('batch-split-kind-1').selectOption('condition');
        await page.getByTestId('batch-split-condition-1').fill('x1 > 0');
        await page.getByTestId('batch-split-names-1').fill('');
        await check('batch-groups-condition');
        await page.getByTestId('batch-mode').selectOption('interaction');
        await page.getByTestId('batch-treatment').selectOption('x1');
        await check('batch-interaction');
        await page.getByTestId('batch-mode').selectOption('outcomes');
        await page.getByTestId('batch-outcomes-option-y2').check();
        await check('batch-outcomes');
        await page.getByTestId('batch-mode').selectOption('controls');
        for (const c of ['k', 'l']) await page.getByTestId(`batch-controls-option-${c}`).check();
        await page.getByTestId('batch-controls-order').waitFor();
        await check('batch-controls');
        // reordering the controls by keyboard keeps focus on the moved control's button, or its
        // other one when it reaches an end of the list (the form's last regressor, x2, comes first)
        const order = (want: string) => page.waitForFunction((w) => [...document.querySelectorAll('[data-testid="batch-controls-order"] .vname')].map((e) => e.textContent).join(',') === w, want);
        await order('x2,k,l');
        await page.getByTestId('batch-control-down-k').focus();
        await page.keyboard.press('Enter');
        await order('x2,l,k');
        expect(await focused(page)).toBe('batch-control-up-k');
        await page.keyboard.press('Enter');
        await order('x2,k,l');
        expect(await focused(page)).toBe('batch-control-up-k');
        await page.keyboard.press('Enter');
        await order('k,x2,l');
        expect(await focused(page)).toBe('batch-control-down-k');

        writeFileSync(join(ARTIFACTS, `a11y-more-${lang}.json`), `${JSON.stringify(reports, null, 2)}\n`);
        expect(reports.map((r) => r.screen)).toHaveLength(17);
        const text = describeViolations(reports);
        if (text) console.log(`[a11y more ${lang}]\n${text}`);
        expect(text, 'axe violations').toBe('');
        expect(pageErrors).toEqual([]);
        await context.close();
      },
      400_000,
    );
  }
});
