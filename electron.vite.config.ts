// Electron build: main (+ the engine worker it forks as a utilityProcess), preload, renderer.
import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';
import { wat } from './config/wat-plugin.mjs';

export default defineConfig({
  main: {
    plugins: [wat()],
    build: {
      rollupOptions: {
        input: { index: resolve('src/main/index.ts'), worker: resolve('src/worker/index.ts') },
        external: ['better-sqlite3'],
      },
    },
  },
  preload: {
    // sandboxed preloads must be CommonJS
    build: { rollupOptions: { input: { index: resolve('src/preload/index.ts') }, output: { format: 'cjs', entryFileNames: '[name].cjs' } } },
  },
  renderer: {
    root: resolve('src/renderer'),
    build: { rollupOptions: { input: { index: resolve('src/renderer/index.html') } } },
    plugins: [svelte()],
  },
});
