// Bundles timing.ts for Node and runs it: node test/engine/describe/run-timing.mjs [rows] [vars]
import { build } from 'vite';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const out = mkdtempSync(join(tmpdir(), 'ps-timing-'));
await build({
  configFile: false,
  logLevel: 'warn',
  build: { ssr: true, target: 'node20', outDir: out, minify: false, rollupOptions: { input: { timing: process.argv[4] ?? 'test/engine/describe/timing.ts' }, output: { format: 'es', entryFileNames: '[name].mjs' } } },
});
const r = spawnSync(process.execPath, ['--max-old-space-size=8000', join(out, 'timing.mjs'), ...process.argv.slice(2, 4)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
