// The Electron security checklist as plain values and functions, so it is tested without Electron
// (test/main/security.test.ts) and src/main/index.ts only wires them in. References: Electron's
// "Security" tutorial (checklist items 1–20) and the Content-Security-Policy Level 3 spec.
import type { WebPreferences } from 'electron';

/**
 * The renderer's web preferences. Node never reaches the page (no integration, not in workers or
 * subframes), the preload runs in a sandbox behind context isolation and exposes one `api` object.
 * There is no `enableRemoteModule`: the remote module was removed in Electron 14 and
 * `@electron/remote` is not a dependency.
 */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
  };
}

/**
 * The page's Content-Security-Policy (the `<meta>` in src/renderer/index.html must say exactly
 * this; a test checks). Scripts only from the app itself — no inline script, no eval, no remote
 * origin anywhere. Styles allow 'unsafe-inline' because Svelte writes `style="…"` attributes and
 * Vite's dev server injects `<style>` elements; CSS cannot run code. `frame-ancestors` is not
 * here because browsers ignore it in a `<meta>`; browser mode sends it as a header (WEB_CSP).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
].join('; ');

/** Browser mode's header: the same policy, and no other site may frame the page. */
export const WEB_CSP = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;

/**
 * `will-navigate` / `will-redirect`: the window may only go back to the app itself — the same page
 * for the packaged `file://` build (any other local file is refused), the same origin for the
 * electron-vite dev server. Everything else is refused; an allowed https link is opened in the
 * user's browser instead (see `externalUrlAllowed`).
 */
export function navigationAllowed(target: string, appUrl: string): boolean {
  const to = parseUrl(target);
  const app = parseUrl(appUrl);
  if (!to || !app) return false;
  if (app.protocol === 'file:') return to.protocol === 'file:' && to.host === app.host && to.pathname === app.pathname;
  if (app.protocol !== 'http:' && app.protocol !== 'https:') return false;
  return to.origin === app.origin && to.username === '' && to.password === '';
}

/** IPC from the renderer is answered only when it comes from the app's own page (checklist: validate the sender). */
export function ipcSenderAllowed(frameUrl: string | null | undefined, appUrl: string): boolean {
  return typeof frameUrl === 'string' && navigationAllowed(frameUrl, appUrl);
}

/** Hosts that `shell.openExternal` may open: the project's home and issue tracker. */
export const EXTERNAL_HOSTS: readonly string[] = ['github.com'];

/**
 * Whether a link may be handed to the OS (`shell.openExternal`): https only (never file:, smb:,
 * javascript: or custom schemes that launch programs), default port, no credentials, and a host
 * that is exactly on the allow-list (no suffix matching: `github.com.evil.example` is refused).
 */
export function externalUrlAllowed(target: string, hosts: readonly string[] = EXTERNAL_HOSTS): boolean {
  if (typeof target !== 'string' || target.length > 2048) return false;
  const u = parseUrl(target);
  if (!u) return false;
  return u.protocol === 'https:' && u.port === '' && u.username === '' && u.password === '' && hosts.includes(u.hostname);
}

/**
 * `setWindowOpenHandler`: the app never opens a second window. An allowed https link goes to the
 * user's browser through `openExternal`; anything else is dropped.
 */
export function windowOpenHandler(openExternal: (url: string) => void, hosts: readonly string[] = EXTERNAL_HOSTS) {
  return ({ url }: { url: string }): { action: 'deny' } => {
    if (externalUrlAllowed(url, hosts)) openExternal(url);
    return { action: 'deny' };
  };
}

/**
 * `will-navigate` / `will-redirect` listener: prevents every navigation that leaves the app and
 * hands allowed https links to the browser.
 */
export function navigationGuard(appUrl: string, openExternal: (url: string) => void, hosts: readonly string[] = EXTERNAL_HOSTS) {
  return (event: { preventDefault(): void }, url: string): void => {
    if (navigationAllowed(url, appUrl)) return;
    event.preventDefault();
    if (externalUrlAllowed(url, hosts)) openExternal(url);
  };
}

/** Session permission requests and checks (camera, geolocation, notifications, ...): all refused. */
export function denyPermission(): false {
  return false;
}

/** Loopback peers for browser mode (IPv4 127/8, IPv6 ::1, IPv4-mapped ::ffff:127.x). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

function parseUrl(s: string): URL | null {
  try {
    return new URL(s);
  } catch {
    return null;
  }
}
