// Prepares `npm start` / `npm run dev`: builds better-sqlite3 for Electron's ABI into
// build/electron-native/ (beside, never over, the Node build in node_modules that tests and the
// CLI use), following Electron's documented "manually building for Electron" recipe:
//   node-gyp rebuild --target=<electron version> --dist-url=https://electronjs.org/headers
// The Electron binary itself downloads on first start (electron's own cli.js does that).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
const sqliteVersion = JSON.parse(readFileSync(join(sqliteDir, 'package.json'), 'utf8')).version;
const target = join(root, 'build', 'electron-native', `better-sqlite3-${sqliteVersion}-electron-${electronVersion}`);
const binary = join(target, 'build', 'Release', 'better_sqlite3.node');

if (existsSync(binary)) process.exit(0);
console.log(`Building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (once) ...`);
rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
for (const part of ['package.json', 'binding.gyp', 'src', 'deps']) cpSync(join(sqliteDir, part), join(target, part), { recursive: true });
const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
execFileSync(
  process.execPath,
  [nodeGyp, 'rebuild', '--release', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers', `--arch=${process.arch}`],
  { cwd: target, stdio: 'inherit', env: { ...process.env, npm_config_runtime: 'electron' } },
);
if (!existsSync(binary)) {
  console.error(`electron-setup: expected ${binary} after the build`);
  process.exit(1);
}
