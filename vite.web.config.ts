// The renderer built for browser mode (`npm run web`, end-to-end tests): the same Svelte app,
// served by src/main/web.ts; src/renderer/src/host.ts picks window.api or the HTTP bridge.
import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

export default defineConfig({
  root: resolve('src/renderer'),
  base: './',
  plugins: [svelte()],
  build: { outDir: resolve('out/web'), emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  logLevel: 'warn',
});
