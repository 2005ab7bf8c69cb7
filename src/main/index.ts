// Electron main: a thin shell. Window, menu, dialogs and the utilityProcess shim live here; every
// request goes to AppController (testable without Electron).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BrowserWindow, ClipboardItem, Menu, app, clipboard, dialog, ipcMain, session, shell, utilityProcess } from 'electron';
import { menuSpec } from '../shared/commands.js';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../shared/ipc.js';
import type { FromWorker } from '../shared/worker-messages.js';
import { AppController, PROJECT_EXTENSION, type PickPurpose } from './controller.js';
import { JobHost, type WorkerSpawner } from './job-host.js';
import { WORKER_PROCESS_ENV } from '../shared/worker-env.js';
import { denyPermission, ipcSenderAllowed, navigationGuard, secureWebPreferences, windowOpenHandler } from './security.js';

/** The Electron-ABI better-sqlite3 built by scripts/electron-setup.mjs (beside the Node one). */
function electronSqliteBinding(): string | undefined {
  const dir = join(app.getAppPath(), 'build', 'electron-native');
  if (!existsSync(dir)) return undefined;
  const build = readdirSync(dir).find((d) => d.endsWith(`-electron-${process.versions.electron}`));
  const file = build ? join(dir, build, 'build', 'Release', 'better_sqlite3.node') : undefined;
  return file && existsSync(file) ? file : undefined;
}

const nativeBinding = electronSqliteBinding();

const utilitySpawner: WorkerSpawner = () => {
  const child = utilityProcess.fork(join(__dirname, 'worker.js'), [], {
    serviceName: 'Panel Studio engine',
    env: { ...process.env, ...WORKER_PROCESS_ENV, ...(nativeBinding ? { PANEL_STUDIO_SQLITE_BINDING: nativeBinding } : {}) },
  });
  return {
    send: (m) => child.postMessage(m),
    onMessage: (l) => child.on('message', (m: FromWorker) => l(m)),
    onExit: (l) => child.on('exit', (code) => l(code, null)),
    kill: () => {
      child.kill();
    },
  };
};

let win: BrowserWindow | null = null;
/** The page the window shows; navigation and IPC senders are checked against it. */
const appUrl = process.env.ELECTRON_RENDERER_URL || pathToFileURL(join(__dirname, '../renderer/index.html')).href;

async function pick(purpose: PickPurpose): Promise<string | null> {
  const parent = win ?? undefined;
  const projectFilter = { name: 'Panel Studio project', extensions: [PROJECT_EXTENSION.slice(1)] };
  if (purpose === 'code') {
    // code export: the extension picks the language (.do Stata, .R R)
    const r = await dialog.showSaveDialog(parent as BrowserWindow, { filters: [{ name: 'Stata do-file', extensions: ['do'] }, { name: 'R script', extensions: ['R'] }] });
    return r.canceled || !r.filePath ? null : r.filePath;
  }
  if (purpose === 'project-new' || purpose === 'project-save-as' || purpose === 'export' || purpose === 'table' || purpose === 'chart') {
    const filters =
      purpose === 'export'
        ? [{ name: 'CSV', extensions: ['csv'] }, { name: 'Excel', extensions: ['xlsx'] }, { name: 'Stata', extensions: ['dta'] }]
        : purpose === 'table'
          ? [{ name: 'Word', extensions: ['docx'] }, { name: 'Excel', extensions: ['xlsx'] }, { name: 'LaTeX', extensions: ['tex'] }, { name: 'Markdown', extensions: ['md'] }, { name: 'CSV', extensions: ['csv'] }, { name: 'HTML', extensions: ['html'] }]
          : purpose === 'chart'
            ? [{ name: 'SVG', extensions: ['svg'] }, { name: 'PNG', extensions: ['png'] }, { name: 'PDF', extensions: ['pdf'] }]
            : [projectFilter];
    const r = await dialog.showSaveDialog(parent as BrowserWindow, { filters });
    return r.canceled || !r.filePath ? null : r.filePath;
  }
  const r = await dialog.showOpenDialog(parent as BrowserWindow, {
    properties: ['openFile'],
    filters: purpose === 'import' ? [{ name: 'Data', extensions: ['csv', 'tsv', 'txt', 'dta', 'xlsx'] }] : [projectFilter],
  });
  return r.canceled ? null : (r.filePaths[0] ?? null);
}

const controller = new AppController({
  mode: 'electron',
  version: app.getVersion(),
  home: app.getPath('userData'),
  jobs: new JobHost(utilitySpawner),
  emit: (event, payload) => win?.webContents.send(EVENT_CHANNEL, { event, payload }),
  pick,
  // Copy for Word: HTML, RTF and text in one write (the page's clipboard API cannot carry RTF)
  clipboard: (items) => clipboard.write([new ClipboardItem(items)]),
  ...(nativeBinding ? { nativeBinding } : {}),
});

function createWindow(): void {
  win = new BrowserWindow({
    width: 1360,
    height: 860,
    title: 'Panel Studio',
    webPreferences: secureWebPreferences(join(__dirname, '../preload/index.cjs')),
  });
  // the checklist lives in security.ts (tested without Electron); only the wiring is here
  const openExternal = (url: string) => void shell.openExternal(url);
  win.webContents.setWindowOpenHandler(windowOpenHandler(openExternal));
  win.webContents.on('will-navigate', navigationGuard(appUrl, openExternal));
  win.webContents.on('will-redirect', navigationGuard(appUrl, openExternal));
  win.webContents.on('will-attach-webview', (e) => e.preventDefault());
  void win.loadURL(appUrl);
  win.on('closed', () => {
    win = null;
  });
}

app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(denyPermission()));
  session.defaultSession.setPermissionCheckHandler(denyPermission);
  ipcMain.handle(INVOKE_CHANNEL, (e, channel: unknown, args: unknown) =>
    ipcSenderAllowed(e.senderFrame?.url, appUrl) ? controller.invoke(channel, args) : { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'request from a page that is not Panel Studio' } },
  );
  // The app's commands as native menus (labels in the system language; the page runs them, so the
  // menu and the keyboard shortcuts do the same thing). Accelerators are shown but not registered
  // (Windows/Linux): the page's own key handler runs them, once.
  const lang = app.getLocale().toLowerCase().startsWith('zh') ? 'zh' : 'en';
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
      ...menuSpec(lang).map((m) => ({
        label: m.label,
        submenu: m.items.map((it) =>
          it === null
            ? { type: 'separator' as const }
            : { label: it.label, ...(it.accelerator ? { accelerator: it.accelerator, registerAccelerator: false } : {}), click: () => win?.webContents.send(EVENT_CHANNEL, { event: 'menu:command', payload: { command: it.command } }) },
        ),
      })),
      { role: 'editMenu' },
      { role: 'windowMenu' },
    ]),
  );
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  controller.dispose();
  if (process.platform !== 'darwin') app.quit();
});
