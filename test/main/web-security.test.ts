// Browser mode's server with real HTTP requests, started in-process: it listens on 127.0.0.1 only,
// answers loopback peers only, needs the session token for every API call, refuses foreign Host
// headers (DNS rebinding), never serves a file outside its static folder, and survives bad bodies.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { type IncomingHttpHeaders, request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppController } from '../../src/main/controller.js';
import { JobHost, type WorkerSpawner } from '../../src/main/job-host.js';
import { WEB_CSP } from '../../src/main/security.js';
import { SseHub, startWebServer } from '../../src/main/web.js';
import { tempDir } from '../helpers.js';

const SECRET = 'TOP-SECRET-6b1f0c';
/** No test here runs a job; a spawner that is never called keeps the test free of the worker build. */
const noWorker: WorkerSpawner = () => {
  throw new Error('no worker in this test');
};

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

describe('browser mode server: network security', () => {
  let root = '';
  let uploadDir = '';
  let server: Awaited<ReturnType<typeof startWebServer>>;
  let controller: AppController;

  /** One raw request: the path goes on the wire exactly as given (no client-side normalisation). */
  function send(
    path: string,
    opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; host?: string; localAddress?: string; port?: number } = {},
  ): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: opts.host ?? '127.0.0.1',
          port: opts.port ?? server.port,
          path,
          method: opts.method ?? 'GET',
          headers: opts.headers,
          ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
          agent: false,
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (b: Buffer) => parts.push(b));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(opts.body);
    });
  }
  const invoke = (channel: unknown, args: unknown, headers: Record<string, string> = {}) =>
    send('/api/invoke', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ channel, args }) });
  const withToken = () => ({ 'x-panel-token': server.token });

  beforeAll(async () => {
    root = tempDir('ps-web-sec-');
    const staticDir = join(root, 'static');
    mkdirSync(join(staticDir, 'assets'), { recursive: true });
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Panel Studio</title><script type="module" src="./assets/app.js"></script>');
    writeFileSync(join(staticDir, 'assets', 'app.js'), 'export const app = 1;\n');
    // a file right beside the static folder: what a traversal would try to read
    writeFileSync(join(root, 'secret.txt'), SECRET);
    uploadDir = join(root, 'uploads');
    controller = new AppController({ mode: 'web', version: 'test', home: join(root, 'home'), jobs: new JobHost(noWorker), emit: () => {} });
    server = await startWebServer({ staticDir, uploadDir, controller, hub: new SseHub() });
  });

  afterAll(async () => {
    await server?.close();
    controller?.dispose();
  });

  it('listens on 127.0.0.1 only, with a long random token in the start address', async () => {
    const url = new URL(server.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.searchParams.get('token')).toBe(server.token);
    expect(server.token).toMatch(/^[0-9a-f]{48}$/);
    // the machine's other addresses do not reach it
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i && !i.internal)
      .map((i) => i?.address as string);
    for (const host of [...external, '::1']) {
      await expect(send('/', { host }), `connect via ${host}`).rejects.toMatchObject({ code: expect.stringMatching(/ECONNREFUSED|EADDRNOTAVAIL|ENETUNREACH|EHOSTUNREACH|EINVAL/) });
    }
  });

  it('refuses peers that are not loopback addresses, even on the loopback interface', async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && !i.internal && i.family === 'IPv4');
    if (!external) return; // no second address on this machine: nothing to spoof from
    for (const path of ['/', '/api/invoke']) {
      const r = await send(path, { localAddress: external.address, method: path === '/' ? 'GET' : 'POST', headers: withToken(), body: path === '/' ? undefined : '{"channel":"app:info"}' });
      expect(r.status).toBe(403);
      expect(r.body).not.toContain('Panel Studio');
    }
  });

  it('answers API calls only with the session token (header or query)', async () => {
    const noToken = await invoke('app:info', undefined);
    expect(noToken.status).toBe(401);
    expect(JSON.parse(noToken.body)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/access token/) } });
    expect((await invoke('app:info', undefined, { 'x-panel-token': 'wrong' })).status).toBe(401);
    expect((await invoke('app:info', undefined, { 'x-panel-token': server.token.slice(0, -1) })).status).toBe(401);
    expect((await invoke('app:info', undefined, { 'x-panel-token': `${server.token}0` })).status).toBe(401);
    expect((await invoke('app:info', undefined, { 'x-panel-token': '' })).status).toBe(401);
    expect((await send('/api/invoke?token=', { method: 'POST', body: '{"channel":"app:info"}' })).status).toBe(401);
    expect((await send('/api/events')).status).toBe(401);
    expect((await send('/api/nothing')).status).toBe(401);

    const ok = await invoke('app:info', undefined, withToken());
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, value: { mode: 'web' } });
    const viaQuery = await send(`/api/invoke?token=${server.token}`, { method: 'POST', body: '{"channel":"app:info"}' });
    expect(JSON.parse(viaQuery.body)).toMatchObject({ ok: true });
    // no CORS: another origin's page cannot read the answer even if it guessed the token
    expect(ok.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('writes no upload without the token', async () => {
    const r = await send('/api/upload?name=evil.csv', { method: 'POST', body: 'a,b\n1,2\n' });
    expect(r.status).toBe(401);
    expect(existsSync(uploadDir) ? readdirSync(uploadDir) : []).toEqual([]);
  });

  it('refuses a Host header that is not its own loopback address (DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`, `192.0.2.1:${server.port}`, `[::1]:${server.port}`]) {
      const r = await send('/', { headers: { host } });
      expect(r.status, `Host: ${host}`).toBe(403);
      const api = await send('/api/invoke', { method: 'POST', headers: { host, ...withToken() }, body: '{"channel":"app:info"}' });
      expect(api.status, `Host: ${host}`).toBe(403);
    }
  });

  it('never serves a file outside the static folder', async () => {
    const attempts = [
      '/../secret.txt',
      '/../../../../../../etc/passwd',
      '/assets/../../secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/%252e%252e%252fsecret.txt',
      `/${encodeURIComponent(join(root, 'secret.txt'))}`,
      `//${join(root, 'secret.txt')}`,
      '/%00../secret.txt',
      '/assets/app.js%00.html',
      '/%E0%A4%A',
      '/%',
    ];
    for (const path of attempts) {
      const r = await send(path);
      expect(r.body, path).not.toContain(SECRET);
      expect(r.body, path).not.toMatch(/root:.*:0:0:/);
      expect(r.status, path).not.toBe(500);
      expect([200, 400, 403, 404], path).toContain(r.status);
    }
    // the real files are served, with the policy headers
    const index = await send('/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>Panel Studio</title>');
    expect(index.headers['content-security-policy']).toBe(WEB_CSP);
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    const js = await send('/assets/app.js');
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.body).toContain('export const app');
  });

  it('serves static files only to GET/HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) expect((await send('/index.html', { method })).status).toBe(405);
  });

  it('answers malformed and oversized API bodies with an error and keeps serving', async () => {
    const notJson = await send('/api/invoke', { method: 'POST', headers: withToken(), body: '{"channel": ' });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: 'request body is not JSON' } });
    for (const body of ['null', '[]', '"app:info"', '42', '{"channel":{"__proto__":1}}', '{"__proto__":{"channel":"app:info"}}']) {
      const r = await send('/api/invoke', { method: 'POST', headers: withToken(), body });
      expect(r.status, body).toBeLessThan(500);
      expect(JSON.parse(r.body), body).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    }
    const huge = await send('/api/invoke', { method: 'POST', headers: withToken(), body: Buffer.alloc(5 * 1024 * 1024, 0x20) }).catch((e: NodeJS.ErrnoException) => ({
      status: -1,
      body: e.code ?? '',
      headers: {},
    }));
    // either a 413 answer or a dropped connection; never a hang, never a crash
    expect([413, -1]).toContain(huge.status);
    const after = await invoke('app:info', undefined, withToken());
    expect(after.status).toBe(200);
    expect(({} as Record<string, unknown>).channel).toBeUndefined();
  });
});
