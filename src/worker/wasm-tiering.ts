// Compile the engine's WebAssembly kernels with V8's optimising compiler from the start.
//
// By default V8 runs a WebAssembly function first in its baseline compiler (Liftoff) and swaps in
// optimised (TurboFan) code only after a usage budget is spent ("dynamic tiering"). For the
// demeaning and cross-product kernels — a few hot loops called a few hundred times per model —
// that swap came late and at varying times: at 233,819 rows × 3 FE the demeaning took 0.083–0.092 s
// (median of reps 3–10, four processes) and needed up to ten models to speed up, against
// 0.066–0.088 s with `--no-liftoff` (the same numbers to the bit: the same WebAssembly
// instructions). The module is small, so compiling all of it optimised costs a few milliseconds.
//
// Must run before the first kernel is compiled (they compile lazily, at the first estimation);
// every process that runs the engine — the worker, the CLI, the bench — imports this first.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-liftoff');
