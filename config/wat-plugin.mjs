// Vite/Vitest plugin: `import bytes from './kernels.wat'` yields the module compiled by wabt.js as a
// Uint8Array, so WebAssembly kernels are committed as readable text and no binary is checked in.
// Hooked into scripts/build-node.mjs, electron.vite.config.ts (main) and vitest.config.ts.
import { readFile } from 'node:fs/promises';
import wabtInit from 'wabt';

/** Post-MVP features the kernels use; all are in Node ≥ 16.4 and Electron's Chromium. */
const FEATURES = { simd: true, bulk_memory: true };

/**
 * The bytes as base64 with a pure-ES decoder (engine code runs without atob or Buffer typings;
 * an array literal would be printed one number per line by the bundler).
 * @param {string} name
 * @param {Uint8Array} bytes
 */
function moduleFor(name, bytes) {
  const b64 = Buffer.from(bytes).toString('base64');
  return `// ${name}, compiled at build time by config/wat-plugin.mjs
const b64 = ${JSON.stringify(b64)};
const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const lut = new Uint8Array(128);
for (let i = 0; i < 64; i++) lut[A.charCodeAt(i)] = i;
const bytes = new Uint8Array(${bytes.length});
for (let i = 0, j = 0; i < b64.length; i += 4) {
  const n = (lut[b64.charCodeAt(i)] << 18) | (lut[b64.charCodeAt(i + 1)] << 12) | (lut[b64.charCodeAt(i + 2)] << 6) | lut[b64.charCodeAt(i + 3)];
  if (j < bytes.length) bytes[j++] = n >> 16;
  if (j < bytes.length) bytes[j++] = (n >> 8) & 255;
  if (j < bytes.length) bytes[j++] = n & 255;
}
export default bytes;
`;
}

export function wat() {
  /** @type {Promise<Awaited<ReturnType<typeof wabtInit>>> | undefined} */
  let wabt;
  return {
    name: 'panel-studio:wat',
    enforce: 'pre',
    /** @param {string} id */
    async load(id) {
      const file = id.split('?')[0];
      if (!file.endsWith('.wat')) return null;
      wabt ??= wabtInit();
      const text = await readFile(file, 'utf8');
      const mod = (await wabt).parseWat(file, text, FEATURES);
      try {
        mod.resolveNames();
        mod.validate();
        const { buffer } = mod.toBinary({ log: false });
        return { code: moduleFor(file.split(/[\\/]/).pop() ?? file, buffer), map: null };
      } finally {
        mod.destroy();
      }
    },
  };
}
