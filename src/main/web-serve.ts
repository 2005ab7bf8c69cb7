// `npm run web`: browser mode entry. Prints one JSON line {"url": ...} when ready.
// PANEL_STUDIO_HOME sets the folder for the recent list and uploads (default ~/.panel-studio).
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppController } from './controller.js';
import { JobHost, nodeWorkerSpawner } from './job-host.js';
import { SseHub, startWebServer } from './web.js';

const here = dirname(fileURLToPath(import.meta.url)); // out/node/web
const root = resolve(here, '..', '..', '..');
const home = process.env.PANEL_STUDIO_HOME || join(homedir(), '.panel-studio');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

const hub = new SseHub();
const jobs = new JobHost(nodeWorkerSpawner(join(root, 'out', 'node', 'worker.js')));
const controller = new AppController({ mode: 'web', version, home, jobs, emit: (e, p) => hub.emit(e, p) });
const server = await startWebServer({
  staticDir: join(root, 'out', 'web'),
  uploadDir: join(home, 'uploads'),
  controller,
  hub,
  ...(process.env.PANEL_STUDIO_PORT ? { port: Number(process.env.PANEL_STUDIO_PORT) } : {}),
});
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
if (process.stdout.isTTY) process.stdout.write(`Panel Studio (browser mode) is at ${server.url}\nPress Ctrl+C to stop.\n`);

const stop = () => {
  controller.dispose();
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
