import type { Plugin } from 'vite';
/** `import bytes from './x.wat'`: the module compiled by wabt.js, as a Uint8Array default export. */
export function wat(): Plugin;
