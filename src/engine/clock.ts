// A monotonic clock without depending on Node or DOM typings (the engine is built against plain ES).
const perf = (globalThis as { performance?: { now(): number } }).performance;
export const nowMs: () => number = perf ? () => perf.now() : () => Date.now();
