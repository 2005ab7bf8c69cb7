// The browser-mode server for the e2e tests: out/node/web/serve.js with its own PANEL_STUDIO_HOME,
// ready when it prints its URL as a JSON line; stopped with SIGTERM (SIGKILL after 5 s).
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

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
