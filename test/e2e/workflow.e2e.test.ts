// End-to-end: the real UI in Chromium against the browser-mode server (out/node/web/serve.js,
// serving out/web). New project → import a CSV → grid → OLS from the form → result table equal to
// an independent normal-equations fit → reload restores project, model and result → Chinese UI.
// Screenshots of every step go to test-artifacts/e2e/.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Debian's Chromium; PANEL_STUDIO_CHROMIUM overrides it (e.g. to check the skip/fail behaviour).
const CHROMIUM = process.env.PANEL_STUDIO_CHROMIUM || '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER = join(ROOT, 'out', 'node', 'web', 'serve.js');
const RENDERER = join(ROOT, 'out', 'web', 'index.html');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'e2e');
const hasChromium = existsSync(CHROMIUM);
const isCI = process.env.CI === 'true';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

// ---- fixture: 200 deterministic rows, one missing x2, a text column with 20 firms -----------------

const N_ROWS = 200;
const MISSING_ROW = 4; // x2 is empty here: the grid shows "." and the fit drops the row

interface Fixture {
  csv: string;
  y: number[];
  x1: number[];
  x2: (number | null)[];
}

function makeFixture(): Fixture {
  // mulberry32: a tiny seeded generator, so every run writes the same file
  let seed = 20240601;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const round = (v: number, d: number) => Number(v.toFixed(d));
  const lines = ['firm,year,y,x1,x2'];
  const fx: Fixture = { csv: '', y: [], x1: [], x2: [] };
  for (let i = 0; i < N_ROWS; i++) {
    const firm = i % 20;
    const x1 = round(rand() * 10 - 5, 4);
    const x2 = round(rand() * 4 + firm / 10, 4);
    const noise = (rand() + rand() + rand() - 1.5) * 0.8;
    const y = round(1.5 + 0.8 * x1 - 0.35 * x2 + 0.05 * firm + noise, 6);
    const x2Value = i === MISSING_ROW ? null : x2;
    fx.y.push(y);
    fx.x1.push(x1);
    fx.x2.push(x2Value);
    lines.push(`firm_${String(firm + 1).padStart(2, '0')},${2000 + Math.floor(i / 20)},${y},${x1},${x2Value ?? ''}`);
  }
  fx.csv = `${lines.join('\n')}\n`;
  return fx;
}

interface OlsReference {
  beta: number[];
  /** Conventional (iid) standard errors. */
  se: number[];
  /** Stata's cluster-robust (CR1) standard errors for the given groups. */
  clusterSe: (groups: number[]) => number[];
}

/** OLS by the normal equations with Gauss-Jordan inversion, plus iid and CR1 standard errors. */
function ols(rows: number[][], y: number[]): OlsReference {
  const k = rows[0]!.length;
  const xtx = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const xty = new Array<number>(k).fill(0);
  rows.forEach((r, n) => {
    for (let i = 0; i < k; i++) {
      xty[i]! += r[i]! * y[n]!;
      for (let j = 0; j < k; j++) xtx[i]![j]! += r[i]! * r[j]!;
    }
  });
  const inv = xtx.map((row, i) => [...row, ...Array.from({ length: k }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(inv[r]![c]!) > Math.abs(inv[p]![c]!)) p = r;
    [inv[c], inv[p]] = [inv[p]!, inv[c]!];
    const d = inv[c]![c]!;
    for (let j = 0; j < 2 * k; j++) inv[c]![j]! /= d;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = inv[r]![c]!;
      for (let j = 0; j < 2 * k; j++) inv[r]![j]! -= f * inv[c]![j]!;
    }
  }
  const xtxInv = inv.map((row) => row.slice(k));
  const beta = xtxInv.map((row) => row.reduce((s, v, j) => s + v * xty[j]!, 0));
  const resid = rows.map((r, n) => y[n]! - r.reduce((a, v, j) => a + v * beta[j]!, 0));
  const n = rows.length;
  const sigma2 = resid.reduce((s, e) => s + e * e, 0) / (n - k);
  const clusterSe = (groups: number[]) => {
    // V = q (X'X)^-1 [sum_g s_g s_g'] (X'X)^-1 with s_g = sum over g of x_i e_i, q = G/(G-1) (N-1)/(N-K)
    const scores = new Map<number, number[]>();
    rows.forEach((r, i) => {
      const s = scores.get(groups[i]!) ?? new Array<number>(k).fill(0);
      for (let j = 0; j < k; j++) s[j]! += r[j]! * resid[i]!;
      scores.set(groups[i]!, s);
    });
    const g = scores.size;
    const meat = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (const s of scores.values()) for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) meat[a]![b]! += s[a]! * s[b]!;
    const q = (g / (g - 1)) * ((n - 1) / (n - k));
    return Array.from({ length: k }, (_, j) => {
      let v = 0;
      for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) v += xtxInv[j]![a]! * meat[a]![b]! * xtxInv[b]![j]!;
      return Math.sqrt(q * v);
    });
  };
  return { beta, se: xtxInv.map((row, i) => Math.sqrt(sigma2 * row[i]!)), clusterSe };
}

// ---- server and browser ------------------------------------------------------------------------

function startServer(home: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [SERVER], { env: { ...process.env, PANEL_STUDIO_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not print its URL within 30 s; stderr:\n${stderr}`)), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code} before it was ready; stderr:\n${stderr}`));
    });
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { url?: unknown };
        if (typeof msg.url === 'string') {
          clearTimeout(timer);
          resolve({ child, url: msg.url });
        }
      } catch {
        // not the ready line
      }
    });
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
}

async function coefficientCells(page: Page, term: string): Promise<{ estimate: string; se: string }> {
  const row = page.locator(`[data-testid="coef-row-${term}"]`);
  return {
    estimate: (await row.locator('[data-testid="coef-estimate"] .value').innerText()).trim(),
    se: (await row.locator('[data-testid="coef-se"]').innerText()).trim(),
  };
}

/** Displayed with 4 decimals: equal to the reference within half a unit in the last place. */
function expectShown(text: string, expected: number, what: string): void {
  const shown = Number(text);
  expect(Number.isFinite(shown), `${what}: "${text}" is not a number`).toBe(true);
  expect(Math.abs(shown - expected), `${what}: shown ${text}, expected ${expected.toFixed(6)}`).toBeLessThanOrEqual(0.00005 + 1e-9);
}

// Chromium is the only browser available on build machines (Electron cannot be downloaded offline).
// Without it this test is skipped locally with the reason printed; under CI=true it fails instead.
if (!hasChromium && !isCI) console.warn(`e2e workflow skipped: no Chromium at ${CHROMIUM} (apt-get install chromium to run it)`);

describe('browser-mode workflow', () => {
  let home = '';
  let server: ChildProcess | null = null;
  let url = '';
  let browser: Browser | null = null;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!hasChromium) return;
    for (const [file, hint] of [
      [SERVER, 'node scripts/build-node.mjs'],
      [RENDERER, 'npx vite build --config vite.web.config.ts'],
    ] as const) {
      if (!existsSync(file)) throw new Error(`${file} is missing; build it first (${hint}, or run npm test)`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    home = mkdtempSync(join(tmpdir(), 'panel-studio-e2e-'));
    ({ child: server, url } = await startServer(home));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (server) await stopServer(server);
    if (home) rmSync(home, { recursive: true, force: true });
  }, 30_000);

  it.skipIf(!hasChromium && !isCI)(
    'creates a project, imports data, runs OLS and restores everything after a reload',
    async () => {
      if (!hasChromium) throw new Error(`CI=true but Chromium is missing at ${CHROMIUM}; install the Debian package "chromium"`);
      if (!browser) throw new Error('browser did not start');

      const fixture = makeFixture();
      const csvPath = join(home, 'firms.csv');
      writeFileSync(csvPath, fixture.csv);
      const used = fixture.y.map((_, i) => i).filter((i) => fixture.x2[i] !== null);
      const ref = ols(
        used.map((i) => [1, fixture.x1[i]!, fixture.x2[i]!]),
        used.map((i) => fixture.y[i]!),
      );

      const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      page.on('pageerror', (err) => pageErrors.push(err.message));
      page.on('console', (msg) => {
        if (msg.type() === 'error') pageErrors.push(msg.text());
      });

      // 1. start screen
      await page.goto(url);
      await page.getByTestId('new-project').waitFor();
      expect(new URL(page.url()).searchParams.has('token'), 'token is stripped from the address bar').toBe(false);
      await shot(page, '01-start');

      // 2. new project through the in-app path dialog
      const projectPath = join(home, 'e2e-project.pstudio');
      await page.getByTestId('new-project').click();
      await page.getByTestId('path-input').fill(projectPath);
      await shot(page, '02-path-dialog');
      await page.getByTestId('path-ok').click();
      await page.getByTestId('import-button').waitFor();
      expect(await page.getByTestId('project-name').innerText()).toContain('e2e-project');
      await shot(page, '03-project');

      // 3. import the CSV through the hidden file input
      const chooserPromise = page.waitForEvent('filechooser');
      await page.getByTestId('import-button').click();
      const chooser = await chooserPromise;
      await chooser.setFiles(csvPath);
      const item = page.getByTestId('dataset-item');
      await item.filter({ hasText: '200' }).waitFor({ timeout: 30_000 });
      expect(await item.innerText()).toContain('firms');
      const grid = page.getByTestId('grid');
      await grid.waitFor();
      const firstRow = page.getByTestId('grid-row').first();
      await firstRow.locator('.cell').first().filter({ hasText: 'firm_01' }).waitFor();
      const renderedRows = await page.getByTestId('grid-row').count();
      expect(renderedRows).toBeGreaterThan(10);
      expect(renderedRows).toBeLessThanOrEqual(N_ROWS);
      const missingCell = page.locator(`[data-testid="grid-row"][aria-rowindex="${MISSING_ROW + 2}"] .cell.missing`);
      expect((await missingCell.innerText()).trim()).toBe('.');
      await shot(page, '04-data');

      // 4. the model form: y, then x1 and x2 in that order; Run
      await page.getByTestId('model-tab').click();
      const run = page.getByTestId('run-button');
      expect(await run.isDisabled(), 'Run is disabled until the form is valid').toBe(true);
      await page.getByTestId('y-select').selectOption('y');
      await page.getByTestId('x-option-x1').check();
      await page.getByTestId('x-option-x2').check();
      expect(await page.getByTestId('vcov-select').inputValue()).toBe('iid');
      await page.waitForFunction(() => !(document.querySelector('[data-testid="run-button"]') as HTMLButtonElement | null)?.disabled);
      await shot(page, '05-model-form');
      await run.click();
      await page.getByTestId('result-table').waitFor({ timeout: 60_000 });
      await shot(page, '06-result');

      const terms = ['(Intercept)', 'x1', 'x2'];
      const check = async (label: string, se = ref.se) => {
        for (const [i, term] of terms.entries()) {
          const cells = await coefficientCells(page, term);
          expectShown(cells.estimate, ref.beta[i]!, `${label} ${term} estimate`);
          expectShown(cells.se, se[i]!, `${label} ${term} std. error`);
        }
        expect((await page.getByTestId('stat-nobs').innerText()).replace(/\D/g, '')).toBe(String(used.length));
      };
      await check('after run');
      const before = await page.getByTestId('result-table').innerText();

      // 5. reload: the project, the model and its result come back
      await page.reload();
      await page.getByTestId('result-table').waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('project-name').innerText()).toContain('e2e-project');
      expect(await page.getByTestId('model-item').count()).toBe(1);
      await check('after reload');
      expect(await page.getByTestId('result-table').innerText()).toBe(before);
      await shot(page, '07-reloaded');

      // 6. Chinese UI
      await page.getByTestId('lang-switch').selectOption('zh');
      const header = page.getByTestId('result-table').locator('thead');
      await header.filter({ hasText: '系数' }).waitFor();
      expect(await header.innerText()).toContain('标准误');
      expect(await page.getByTestId('result-stats').innerText()).toContain('观测值');
      expect(await page.getByTestId('data-tab').innerText()).toBe('数据');
      await shot(page, '08-zh');

      // 7. clustered SEs: the form asks for a cluster variable before it can run
      await page.getByTestId('vcov-select').selectOption('cluster');
      await page.getByTestId('cluster-select').waitFor();
      expect(await run.isDisabled(), 'Run waits for a cluster variable').toBe(true);
      expect(await page.getByTestId('problems-cluster').innerText()).toContain('cluster');
      await shot(page, '09-cluster-invalid');
      await page.getByTestId('cluster-select').selectOption('firm');
      await page.waitForFunction(() => !(document.querySelector('[data-testid="run-button"]') as HTMLButtonElement | null)?.disabled);
      await run.click();
      await page.getByTestId('model-item').nth(1).waitFor({ timeout: 60_000 });
      await page.getByTestId('stat-vcov').filter({ hasText: '20' }).waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('stat-vcov').innerText()).toContain('聚类稳健标准误');
      await check('clustered', ref.clusterSe(used.map((i) => i % 20)));
      await shot(page, '10-cluster-result');

      expect(pageErrors, 'no uncaught errors in the page').toEqual([]);
      await context.close();
    },
    180_000,
  );
});
