// The fuzz loop, run in a worker thread (bundled by harness.ts) so that the test process can
// terminate it when a case hangs. It publishes the index of the running case in shared memory;
// the watchdog in harness.ts reads it. Failures are minimized here and posted back.
import { Buffer } from 'node:buffer';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type * as Zlib from 'node:zlib';
import { caseRng } from './prng.js';
import { type FuzzInput, type Target, Violation } from './property.js';
import { csvTarget } from './target-csv.js';
import { dtaTarget } from './target-dta.js';
import { exprTarget } from './target-expr.js';
import { xlsxTarget } from './target-xlsx.js';

export interface WorkerJob {
  mode: 'run' | 'describe';
  target: string;
  seed: number;
  from: number;
  to: number;
  fixtures: string;
  progress: SharedArrayBuffer;
}

export interface CaseFailure {
  index: number;
  message: string;
  how: string[];
  options: FuzzInput['options'];
  input: string; // base64
  minimized?: string; // base64
}

export type WorkerMessage =
  | { type: 'failure'; failure: CaseFailure }
  | { type: 'done'; ran: number; accepted: number; rejected: number; inputBytes: number }
  | { type: 'described'; input: string; how: string[]; options: FuzzInput['options'] };

const TARGETS: Record<string, Target> = { csv: csvTarget, xlsx: xlsxTarget, dta: dtaTarget, expr: exprTarget };

// Memory: count what zlib inflates per case, so a case whose declared sizes lie (a zip bomb) is
// caught even when the reader frees the output again before returning.
let inflated = 0;
/** [0] index of the running case, [1] runs started (changes while minimizing too). */
let heartbeat: Int32Array<ArrayBufferLike> = new Int32Array(2);
const zlib = createRequire(import.meta.url)('node:zlib') as typeof Zlib;
const inflateRawSync = zlib.inflateRawSync;
(zlib as { inflateRawSync: unknown }).inflateRawSync = (buf: Zlib.InputType, opts?: Zlib.ZlibOptions) => {
  const out = inflateRawSync(buf, opts);
  inflated = Math.max(inflated, out.length);
  return out;
};
syncBuiltinESMExports();

/** Runs one case; returns the failure message or null, and whether the reader accepted the input. */
async function runCase(t: Target, input: FuzzInput, dir: string): Promise<{ failure: string | null; accepted: boolean }> {
  inflated = 0;
  Atomics.add(heartbeat, 1, 1);
  let accepted: boolean;
  try {
    accepted = await t.run(input, dir);
  } catch (err) {
    return { failure: err instanceof Violation ? err.message : `harness error: ${err instanceof Error ? err.stack : String(err)}`, accepted: false };
  }
  const limit = input.options.maxInflate;
  if (typeof limit === 'number' && inflated > limit) return { failure: `inflated ${inflated} bytes from an entry declared at most ${limit}: declared sizes are not enforced (zip bomb)`, accepted };
  return { failure: null, accepted };
}

/** Same failure with digits ignored (sizes and offsets change while minimizing). */
const signature = (m: string): string => m.replace(/\d+/g, '#').slice(0, 120);

/** Greedy delta debugging: remove chunks while the failure keeps its signature (bounded effort). */
async function minimize(t: Target, input: FuzzInput, message: string, dir: string): Promise<Buffer> {
  let best = input.bytes;
  const sig = signature(message);
  let tries = 0;
  const unit = t.name === 'expr' ? 2 : 1; // UTF-16 code units
  for (let chunk = Math.max(unit, 2 ** Math.floor(Math.log2(best.length / 2 || 1))); chunk >= unit && tries < 400; chunk = Math.floor(chunk / 2)) {
    const step = chunk - (chunk % unit) || unit;
    for (let at = 0; at + step <= best.length && tries < 400; ) {
      const candidate = Buffer.concat([best.subarray(0, at), best.subarray(at + step)]);
      tries++;
      const r = await runCase(t, { ...input, bytes: candidate }, dir);
      if (r.failure !== null && signature(r.failure) === sig) best = candidate;
      else at += step;
    }
  }
  return best;
}

async function main(job: WorkerJob): Promise<void> {
  const t = TARGETS[job.target];
  if (t === undefined) throw new Error(`no fuzz target ${job.target}`);
  await t.setup(job.fixtures);
  if (job.mode === 'describe') {
    const input = t.generate(caseRng(job.seed, t.name, job.from));
    parentPort!.postMessage({ type: 'described', input: input.bytes.toString('base64'), how: input.how, options: input.options } satisfies WorkerMessage);
    return;
  }
  const progress = new Int32Array(job.progress);
  heartbeat = progress;
  const dir = mkdtempSync(join(tmpdir(), `ps-fuzz-${t.name}-`));
  let accepted = 0;
  let inputBytes = 0;
  const seen = new Set<string>();
  try {
    for (let i = job.from; i < job.to; i++) {
      Atomics.store(progress, 0, i);
      const input = t.generate(caseRng(job.seed, t.name, i));
      inputBytes += input.bytes.length;
      const r = await runCase(t, input, dir);
      if (r.accepted) accepted++;
      if (r.failure === null) continue;
      // Minimize only the first case of each kind of failure; later ones are reported as found.
      const sig = signature(r.failure);
      const fresh = !seen.has(sig);
      seen.add(sig);
      const min = fresh && input.bytes.length > 0 ? await minimize(t, input, r.failure, dir) : undefined;
      const failure: CaseFailure = {
        index: i,
        message: r.failure,
        how: input.how,
        options: input.options,
        input: input.bytes.toString('base64'),
        ...(min !== undefined ? { minimized: min.toString('base64') } : {}),
      };
      parentPort!.postMessage({ type: 'failure', failure } satisfies WorkerMessage);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  Atomics.store(progress, 0, job.to);
  parentPort!.postMessage({ type: 'done', ran: job.to - job.from, accepted, rejected: job.to - job.from - accepted, inputBytes } satisfies WorkerMessage);
}

void main(workerData as WorkerJob).catch((err: unknown) => {
  throw err;
});
