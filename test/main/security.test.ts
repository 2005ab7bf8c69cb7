// The Electron security checklist without Electron: src/main/security.ts holds the values and
// guards as plain functions, and src/main/index.ts must wire exactly those in (checked on its text,
// since Electron itself cannot run here).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  EXTERNAL_HOSTS,
  WEB_CSP,
  externalUrlAllowed,
  ipcSenderAllowed,
  isLoopbackAddress,
  navigationAllowed,
  navigationGuard,
  secureWebPreferences,
  windowOpenHandler,
} from '../../src/main/security.js';

const read = (p: string) => readFileSync(resolve(p), 'utf8');
const directives = (csp: string) => new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
/** The CSP of an HTML file's <meta http-equiv>, or null. */
const metaCsp = (html: string) => /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html)?.[1] ?? null;

describe('BrowserWindow webPreferences', () => {
  const prefs = secureWebPreferences('/app/preload/index.cjs');

  it('isolate the page from Node and sandbox the preload', () => {
    expect(prefs).toMatchObject({
      preload: '/app/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
  });

  it('have no remote module, and nothing in the app brings one back', () => {
    expect(prefs).not.toHaveProperty('enableRemoteModule');
    const pkg = JSON.parse(read('package.json')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    expect(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })).not.toContain('@electron/remote');
  });

  it('are the ones src/main/index.ts opens the window with, with every guard wired in', () => {
    const main = read('src/main/index.ts');
    expect(main).toMatch(/webPreferences:\s*secureWebPreferences\(/);
    expect(main).toMatch(/setWindowOpenHandler\(windowOpenHandler\(/);
    expect(main).toMatch(/on\('will-navigate',\s*navigationGuard\(/);
    expect(main).toMatch(/on\('will-redirect',\s*navigationGuard\(/);
    expect(main).toMatch(/on\('will-attach-webview'/);
    expect(main).toMatch(/setPermissionRequestHandler\(/);
    expect(main).toMatch(/setPermissionCheckHandler\(denyPermission\)/);
    expect(main).toMatch(/ipcSenderAllowed\(/);
    // shell.openExternal is reached only through the allow-listed guards
    expect(main.match(/shell\.openExternal\(/g)).toHaveLength(1);
    expect(main).toMatch(/const openExternal = \(url: string\) => void shell\.openExternal\(url\)/);
  });

  it('are never weakened anywhere in the source', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => {
        const p = join(dir, f);
        return statSync(p).isDirectory() ? files(p) : /\.(ts|svelte|html)$/.test(f) ? [p] : [];
      });
    for (const f of files(resolve('src'))) {
      const text = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      expect(text, f).not.toMatch(/(contextIsolation|sandbox|webSecurity):\s*false|nodeIntegration(InWorker|InSubFrames)?:\s*true|enableRemoteModule|allowRunningInsecureContent:\s*true/);
      expect(text, f).not.toMatch(/\b(eval|new Function)\(/);
    }
  });

  it('preload exposes one object, api, and no Node or Electron handle', () => {
    const preload = read('src/preload/index.ts');
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(preload).toMatch(/exposeInMainWorld\('api'/);
    const code = preload.replace(/^import .*$/gm, '');
    // ipcRenderer is used inside the two functions, never handed to the page itself
    expect(code).not.toMatch(/ipcRenderer\s*[,}]|:\s*ipcRenderer\b|require\(|process\./);
  });
});

describe('Content-Security-Policy', () => {
  const csp = directives(CONTENT_SECURITY_POLICY);

  it('allows scripts only from the app: no inline script, no eval, no remote origin', () => {
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('frame-src')).toEqual(["'none'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|wasm-unsafe-eval|strict-dynamic|https?:|wss?:|\*|blob:/);
    for (const [name, values] of csp) if (name !== 'style-src') expect(values, name).not.toContain("'unsafe-inline'");
    // data: only for images (inline SVG icons), never for scripts
    expect([...csp].filter(([, v]) => v.includes('data:')).map(([n]) => n)).toEqual(['img-src']);
  });

  it('is exactly the policy in the renderer page, and browser mode adds frame-ancestors', () => {
    expect(metaCsp(read('src/renderer/index.html'))).toBe(CONTENT_SECURITY_POLICY);
    expect(WEB_CSP).toBe(`${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`);
    // frame-ancestors is ignored (with a console warning) in a <meta>, so it must not be there
    expect(csp.has('frame-ancestors')).toBe(false);
  });

  it('the renderer page has no inline script or handler, and a built page (if any) keeps the policy', () => {
    const source = statSync('src/renderer/index.html').mtimeMs;
    for (const file of ['src/renderer/index.html', 'out/web/index.html', 'out/renderer/index.html']) {
      // a build older than the page is stale, not wrong
      if (!existsSync(file) || statSync(file).mtimeMs < source) continue;
      const html = read(file);
      if (file.startsWith('out/')) expect(metaCsp(html), file).toBe(CONTENT_SECURITY_POLICY);
      for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
        expect(m[1], `${file}: every script is a file`).toMatch(/\bsrc="\.?\.?\/[^"]+"/);
        expect(m[2].trim(), `${file}: no inline script`).toBe('');
      }
      expect(html, file).not.toMatch(/\son[a-z]+\s*=|javascript:|https?:\/\//i);
    }
  });
});

describe('navigation guard', () => {
  const packaged = 'file:///opt/Panel%20Studio/resources/app.asar/out/renderer/index.html';
  const dev = 'http://localhost:5173/';

  it('lets the window stay on the app page only', () => {
    expect(navigationAllowed(packaged, packaged)).toBe(true);
    expect(navigationAllowed(`${packaged}#/models`, packaged)).toBe(true);
    expect(navigationAllowed('file:///etc/passwd', packaged)).toBe(false);
    expect(navigationAllowed('file:///opt/Panel%20Studio/resources/app.asar/out/renderer/other.html', packaged)).toBe(false);
    expect(navigationAllowed('file://evil-host/opt/Panel%20Studio/resources/app.asar/out/renderer/index.html', packaged)).toBe(false);
    expect(navigationAllowed('https://example.com/', packaged)).toBe(false);
    expect(navigationAllowed('javascript:alert(1)', packaged)).toBe(false);
    expect(navigationAllowed('data:text/html,<script>1</script>', packaged)).toBe(false);
    expect(navigationAllowed('not a url', packaged)).toBe(false);
  });

  it('in development, only the dev server origin', () => {
    expect(navigationAllowed('http://localhost:5173/index.html?x=1', dev)).toBe(true);
    expect(navigationAllowed('http://localhost:5174/', dev)).toBe(false);
    expect(navigationAllowed('https://localhost:5173/', dev)).toBe(false);
    expect(navigationAllowed('http://localhost.evil.example:5173/', dev)).toBe(false);
    expect(navigationAllowed('http://user:pw@localhost:5173/', dev)).toBe(false);
    expect(navigationAllowed('http://localhost:5173/', 'chrome://settings')).toBe(false);
  });

  it('prevents every other navigation and hands only allow-listed https links to the browser', () => {
    const opened: string[] = [];
    const guard = navigationGuard(packaged, (u) => opened.push(u));
    const run = (url: string) => {
      let prevented = false;
      guard({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(run(packaged)).toBe(false);
    expect(run('https://example.com/phish')).toBe(true);
    expect(run('file:///etc/passwd')).toBe(true);
    expect(run('https://github.com/')).toBe(true);
    expect(opened).toEqual(['https://github.com/']);
  });

  it('answers IPC only from the app page', () => {
    expect(ipcSenderAllowed(packaged, packaged)).toBe(true);
    expect(ipcSenderAllowed('https://example.com/', packaged)).toBe(false);
    expect(ipcSenderAllowed('', packaged)).toBe(false);
    expect(ipcSenderAllowed(undefined, packaged)).toBe(false);
    expect(ipcSenderAllowed(null, packaged)).toBe(false);
  });
});

describe('window.open and shell.openExternal', () => {
  it('never opens a window; allow-listed https links go to the browser', () => {
    const opened: string[] = [];
    const handler = windowOpenHandler((u) => opened.push(u));
    for (const url of ['https://github.com/x/y', 'https://example.com/', 'file:///etc/passwd', 'about:blank', '', 'javascript:alert(1)']) {
      expect(handler({ url })).toEqual({ action: 'deny' });
    }
    expect(opened).toEqual(['https://github.com/x/y']);
  });

  it('opens only https links to exactly the allowed hosts', () => {
    expect(EXTERNAL_HOSTS.length).toBeGreaterThan(0);
    for (const ok of ['https://github.com/', 'https://github.com/org/repo/issues?q=1#top', 'HTTPS://GITHUB.COM/a']) expect(externalUrlAllowed(ok), ok).toBe(true);
    for (const bad of [
      'http://github.com/',
      'https://github.com.evil.example/',
      'https://evil.example/github.com',
      'https://sub.github.com/',
      'https://github.com:8443/',
      'https://user:pw@github.com/',
      'https://evil.example@github.com.evil.example/',
      'file:///C:/Windows/System32/calc.exe',
      'smb://github.com/share',
      'ms-msdt:/id PCWDiagnostic',
      'javascript:alert(1)',
      'data:text/html,hi',
      '//github.com/',
      'github.com',
      '',
      `https://github.com/${'a'.repeat(3000)}`,
    ]) {
      expect(externalUrlAllowed(bad), bad).toBe(false);
    }
    expect(externalUrlAllowed(42 as unknown as string)).toBe(false);
    expect(externalUrlAllowed('https://docs.example.org/x', ['docs.example.org'])).toBe(true);
  });
});

describe('loopback addresses (browser mode peers)', () => {
  it('accepts 127/8, ::1 and IPv4-mapped loopback only', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['192.0.2.2', '10.0.0.1', '::ffff:192.0.2.2', 'fd00::2', '0.0.0.0', '', undefined, '127.0.0.1.evil', '1270.0.0.1']) {
      expect(isLoopbackAddress(a), String(a)).toBe(false);
    }
  });
});
