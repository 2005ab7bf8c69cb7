// A monotonic clock without depending on Node or DOM typings (the engine is built against plain ES).
const perf = (globalThis as { performance?: { now(): number } }).performance;
export const nowMs: () => number = perf ? () => perf.now() : () => Date.now();

/** Phase timings for a result's timing_ms: lap(name) records the time since the previous lap. */
export function stopwatch(): { timing: Record<string, number>; lap: (name: string) => void } {
  const timing: Record<string, number> = {};
  let t0 = nowMs();
  return {
    timing,
    lap: (name) => {
      const t = nowMs();
      timing[name] = t - t0;
      t0 = t;
    },
  };
}
