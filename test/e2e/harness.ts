// The browser-mode server for the e2e tests: out/node/web/serve.js with its own PANEL_STUDIO_HOME,
// ready when it prints its URL as a JSON line; stopped with SIGTERM (SIGKILL after 5 s). And
// useE2eSuite: the per-file setup (build check, temp home, server, Chromium, teardown) every e2e file shares;
// openPage, openExample and newProjectWithCsv: the first steps most tests share.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

const SERVER = join(fileURLToPath(new URL('../..', import.meta.url)), 'out', 'node', 'web', 'serve.js');

export function startServer(home: string): Promise<{ child: ChildProcess; url: string }> {
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

export function stopServer(child: ChildProcess): Promise<void> {
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

// ---- the suite setup every e2e file shares -------------------------------------------------------

/** The repository root, test-artifacts/e2e (screenshots and reports) and Debian's Chromium
 *  (PANEL_STUDIO_CHROMIUM overrides it, e.g. to check the skip/fail behaviour). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'e2e');
export const CHROMIUM = process.env.PANEL_STUDIO_CHROMIUM || '/usr/bin/chromium';
const RENDERER = join(ROOT, 'out', 'web', 'index.html');
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export interface E2eSuiteOptions {
  /** the temp home's prefix, e.g. 'panel-studio-e2e-grid-' (default: `panel-studio-e2e-${name}-`) */
  homePrefix?: string;
  /** Chromium flags added to CHROMIUM_ARGS */
  extraArgs?: string[];
  /** a folder created before the tests (default ARTIFACTS) */
  outDir?: string;
}

export interface E2eSuite {
  /** it.skipIf(suite.skip): true only without Chromium outside CI (with CI=true the test runs and fails) */
  readonly skip: boolean;
  /** Call first in each test: the started browser, server URL and temp home; throws when Chromium is
   *  missing under CI=true, or when beforeAll did not get as far as launching the browser. */
  ready(): { browser: Browser; url: string; home: string; server: ChildProcess };
}

/** Registers beforeAll/afterAll (in the enclosing describe, or the file) that check the build in out/,
 *  make a temp PANEL_STUDIO_HOME, start the browser-mode server on it and launch Chromium; afterAll
 *  closes the browser, stops the server and removes the home. Without Chromium the tests are skipped
 *  locally (with the reason printed) and fail under CI=true. `name` names the suite in that message. */
export function useE2eSuite(name: string, opts: E2eSuiteOptions = {}): E2eSuite {
  const hasChromium = existsSync(CHROMIUM);
  const isCI = process.env.CI === 'true';
  if (!hasChromium && !isCI) console.warn(`e2e ${name} skipped: no Chromium at ${CHROMIUM} (apt-get install chromium to run it)`);
  let home = '';
  let url = '';
  let server: ChildProcess | null = null;
  let browser: Browser | null = null;

  beforeAll(async () => {
    if (!hasChromium) return;
    for (const [file, hint] of [
      [SERVER, 'node scripts/build-node.mjs'],
      [RENDERER, 'npx vite build --config vite.web.config.ts'],
    ] as const) {
      if (!existsSync(file)) throw new Error(`${file} is missing; build it first (${hint}, or run npm test)`);
    }
    mkdirSync(opts.outDir ?? ARTIFACTS, { recursive: true });
    home = mkdtempSync(join(tmpdir(), opts.homePrefix ?? `panel-studio-e2e-${name.replace(/\W+/g, '-')}-`));
    ({ child: server, url } = await startServer(home));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...(opts.extraArgs ?? [])] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (server) await stopServer(server);
    if (home) rmSync(home, { recursive: true, force: true });
  }, 30_000);

  return {
    skip: !hasChromium && !isCI,
    ready() {
      if (!hasChromium) throw new Error(`CI=true but Chromium is missing at ${CHROMIUM}; install the Debian package "chromium"`);
      if (!browser || !server) throw new Error('browser did not start');
      return { browser, url, home, server };
    },
  };
}

type ContextOptions = NonNullable<Parameters<Browser['newContext']>[0]>;

/** A new context and page whose uncaught errors and console errors go into `errors`. */
export async function openPage(browser: Browser, errors: string[], options: ContextOptions): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  return { context, page };
}

/** The start screen in English, then one of the example projects (`paper003`, `paper000`). */
export async function openExample(page: Page, url: string, example: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId(`open-example-${example}`).waitFor();
  await page.getByTestId('lang-switch').selectOption('en');
  await page.getByTestId(`open-example-${example}`).click();
}

/** The start screen in English, a new project at `projectPath`, and `csvPath` chosen for import: returns at the import preview (not confirmed). */
export async function newProjectWithCsv(page: Page, url: string, projectPath: string, csvPath: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('new-project').waitFor();
  await page.getByTestId('lang-switch').selectOption('en');
  await page.getByTestId('new-project').click();
  await page.getByTestId('path-input').fill(projectPath);
  await page.getByTestId('path-ok').click();
  await page.getByTestId('import-button').waitFor();
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('import-button').click();
  await (await chooser).setFiles(csvPath);
  await page.getByTestId('import-preview').waitFor({ timeout: 30_000 });
}

/** Columns as a CSV file, every number in shortest round-trip form (the import reads the same doubles). */
export function writeCsv(path: string, names: readonly string[], cols: Record<string, Float64Array>, rows: number): void {
  const lines = [names.join(',')];
  for (let i = 0; i < rows; i++) lines.push(names.map((c) => String(cols[c]![i])).join(','));
  writeFileSync(path, `${lines.join('\n')}\n`);
}
