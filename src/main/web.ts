// Browser mode: the same renderer and the same IPC handlers over a loopback-only HTTP server.
// Binds 127.0.0.1 on a random port; every API call needs the random token from the start URL;
// the Host header must be the loopback address (no DNS rebinding); peers must be loopback addresses.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { basename, extname, join, normalize, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AppError, type Envelope, toErrorInfo } from '../shared/errors.js';
import type { EventMap, EventName } from '../shared/ipc.js';
import type { AppController } from './controller.js';
import { WEB_CSP, isLoopbackAddress } from './security.js';

export interface WebServerOptions {
  staticDir: string;
  uploadDir: string;
  controller: AppController;
  port?: number;
}

export interface EventSink {
  emit<E extends EventName>(event: E, payload: EventMap[E]): void;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};
const MAX_INVOKE_BYTES = 4 * 1024 * 1024;

/** Fan-out of main's events to every open page (Server-Sent Events). */
export class SseHub implements EventSink {
  private readonly clients = new Set<ServerResponse>();
  add(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(': connected\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }
  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    const data = `data: ${JSON.stringify({ event, payload })}\n\n`;
    for (const c of this.clients) c.write(data);
  }
  closeAll(): void {
    for (const c of this.clients) c.end();
    this.clients.clear();
  }
}

export async function startWebServer(opts: WebServerOptions & { hub: SseHub }): Promise<{ url: string; port: number; token: string; close: () => Promise<void> }> {
  const token = randomBytes(24).toString('hex');
  const staticRoot = resolve(opts.staticDir);
  mkdirSync(opts.uploadDir, { recursive: true });
  let port = 0;

  const send = (res: ServerResponse, status: number, body: Envelope<unknown>) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, err: unknown) => send(res, status, { ok: false, error: toErrorInfo(err) });

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) fail(res, 500, err);
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = req.headers.host ?? '';
    if ((host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) || !isLoopbackAddress(req.socket.remoteAddress)) {
      res.writeHead(403).end('forbidden host');
      return;
    }
    const url = new URL(req.url ?? '/', `http://${host}`);
    if (url.pathname.startsWith('/api/')) {
      const given = (req.headers['x-panel-token'] as string | undefined) ?? url.searchParams.get('token');
      if (!sameToken(given, token)) return fail(res, 401, new AppError('INVALID_ARGUMENT', 'missing or wrong access token; open the address printed by `npm run web`'));
      if (url.pathname === '/api/events' && req.method === 'GET') return opts.hub.add(res);
      if (url.pathname === '/api/invoke' && req.method === 'POST') {
        let body: string;
        try {
          body = await readBody(req, MAX_INVOKE_BYTES);
        } catch (err) {
          res.setHeader('connection', 'close');
          return fail(res, 413, err);
        }
        let parsed: { channel?: unknown; args?: unknown };
        try {
          parsed = JSON.parse(body) as { channel?: unknown; args?: unknown };
        } catch {
          return fail(res, 400, new AppError('INVALID_ARGUMENT', 'request body is not JSON'));
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          return fail(res, 400, new AppError('INVALID_ARGUMENT', 'request body must be an object {"channel": ..., "args": ...}'));
        }
        return send(res, 200, await opts.controller.invoke(parsed.channel, parsed.args));
      }
      if (url.pathname === '/api/upload' && req.method === 'POST') {
        const name = basename(url.searchParams.get('name') ?? 'upload.csv').replace(/[^\p{L}\p{N}._-]+/gu, '_') || 'upload.csv';
        const dir = join(opts.uploadDir, randomBytes(8).toString('hex'));
        mkdirSync(dir, { recursive: true });
        const target = join(dir, name);
        await pipeline(req, createWriteStream(target));
        opts.controller.approve(target);
        return send(res, 200, { ok: true, value: { path: target } });
      }
      return fail(res, 404, new AppError('NOT_FOUND', `no API ${url.pathname}`));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (decoded.includes('\0')) {
      res.writeHead(400).end();
      return;
    }
    const rel = normalize(decoded).replace(/^([/\\])+/, '');
    let file = resolve(staticRoot, rel || 'index.html');
    if (file !== staticRoot && !file.startsWith(staticRoot + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(staticRoot, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('the renderer is not built: run `npm run web`');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': WEB_CSP,
    });
    await pipeline(createReadStream(file), res);
  }

  await new Promise<void>((ok, ko) => {
    server.once('error', ko);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((ok) => {
        opts.hub.closeAll();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

function sameToken(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((ok, ko) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (b: Buffer) => {
      size += b.length;
      if (size > max) {
        ko(new AppError('INVALID_ARGUMENT', `request larger than ${max} bytes`));
        req.destroy();
      } else parts.push(b);
    });
    req.on('end', () => ok(Buffer.concat(parts).toString('utf8')));
    req.on('error', ko);
  });
}
