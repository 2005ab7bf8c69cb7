import { defineConfig } from 'vitest/config';
import { wat } from './config/wat-plugin.mjs';

export default defineConfig({
  plugins: [wat()],
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // e2e and worker tests spawn processes; two cores here, so keep files in at most two forks
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-artifacts/vitest.json' },
  },
});
