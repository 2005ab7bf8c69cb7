// Builds the Node-side entry points (CLI, engine worker, browser-mode server, benchmarks) into
// out/node as ES modules. Runs on `npm ci` (prepare) so the `panel-studio` bin works right away.
import { build } from 'vite';
import { wat } from '../config/wat-plugin.mjs';

await build({
  configFile: false,
  logLevel: 'warn',
  plugins: [wat()],
  build: {
    ssr: true,
    target: 'node20',
    outDir: 'out/node',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    rollupOptions: {
      input: {
        cli: 'src/cli/index.ts',
        worker: 'src/worker/index.ts',
        'web/serve': 'src/main/web-serve.ts',
        'bench/run': 'bench/run.ts',
      },
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});
