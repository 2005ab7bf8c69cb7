// Environment of the engine worker process (set by whoever spawns it: Electron's utilityProcess,
// child_process.fork, and `npm run bench`, which re-runs itself with it to measure what the worker
// runs). Pure data: no Electron, no Node APIs.
//
// glibc malloc (Linux) returns a freed block of 128 KiB or more to the system at once, and its
// adaptive limits still let most of a model's large arrays (columns, ids, residuals: ~450 MB at
// 2M rows) go back between models. The next model then touches fresh pages, and a first touch is
// what the large arrays cost most on the benchmark machine (~2.5–4 µs per 4 KiB page: 2M rows,
// first model ~100,000 page faults, still 45,000–75,000 in the second and third). With these
// settings a block below 32 MiB (a 2M-row column is 16 MB) comes from the heap and up to 256 MiB
// of freed heap is kept for the next model (page faults of the third and fourth 2M-row models:
// 14,000–44,000 → 0–12,000). Larger blocks (a 10M-row column is 80 MB) are mapped and returned
// as before (with 256/512 MiB thresholds the 10M-row bench peaked 0.2 GB higher: 3.3 against
// 3.1 GB of RSS, the project file mapped in both runs). Other C libraries ignore the variables.
export const WORKER_PROCESS_ENV: Readonly<Record<string, string>> = {
  MALLOC_MMAP_THRESHOLD_: String(32 * 2 ** 20),
  MALLOC_TRIM_THRESHOLD_: String(256 * 2 ** 20),
  MALLOC_TOP_PAD_: String(32 * 2 ** 20),
};
