// WebAssembly text imports are compiled to bytes at build time by config/wat-plugin.mjs.
declare module '*.wat' {
  const bytes: Uint8Array;
  export default bytes;
}
