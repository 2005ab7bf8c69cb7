// Test-process side of the fuzz campaign: bundles worker.ts (and the readers it imports, from the
// current sources) with rolldown, runs a target's cases in a worker thread, and watches it: when no
// case starts for CASE_TIMEOUT_MS, the case is a hang — the worker is terminated, the input is
// regenerated from the seed and reported, and the campaign goes on from the next case.
// This is a hang detector, not a performance test: the limit is generous and nothing else is timed.
import { Buffer } from 'node:buffer';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CaseFailure, WorkerJob, WorkerMessage } from './worker.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/fuzz/', import.meta.url));
const CASE_TIMEOUT_MS = Number(process.env.FUZZ_CASE_TIMEOUT_MS ?? 15_000);

export const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) >>> 0 : 20261125;

/** Cases per target: FUZZ_CASES overrides every target's default. */
export function caseCount(defaultCases: number): number {
  const n = Number(process.env.FUZZ_CASES);
  return Number.isInteger(n) && n > 0 ? n : defaultCases;
}

let bundled: Promise<string> | null = null;

export function bundleWorker(): Promise<string> {
  bundled ??= (async () => {
    const { build } = await import('rolldown');
    const dir = mkdtempSync(join(tmpdir(), 'ps-fuzz-bundle-'));
    const file = join(dir, 'worker.mjs');
    await build({
      input: fileURLToPath(new URL('./worker.ts', import.meta.url)),
      platform: 'node',
      logLevel: 'silent',
      output: { file, format: 'esm', sourcemap: true },
    });
    return file;
  })();
  return bundled;
}

export interface CampaignResult {
  target: string;
  seed: number;
  cases: number;
  accepted: number;
  rejected: number;
  failures: CaseFailure[];
  hangs: CaseFailure[];
  ms: number;
}

function runWorker(bundle: string, job: Omit<WorkerJob, 'progress'>, onFailure: (f: CaseFailure) => void): Promise<{ done?: Extract<WorkerMessage, { type: 'done' }>; hungAt?: number; described?: Extract<WorkerMessage, { type: 'described' }>; crash?: string }> {
  const progress = new SharedArrayBuffer(8);
  const view = new Int32Array(progress);
  view[0] = job.from;
  return new Promise((resolve) => {
    const worker = new Worker(bundle, { workerData: { ...job, progress } satisfies WorkerJob, execArgv: ['--enable-source-maps'] });
    let last = -1;
    let lastChange = Date.now();
    let settled = false;
    const finish = (r: Parameters<typeof resolve>[0]): void => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      resolve(r);
    };
    const timer = setInterval(() => {
      const beat = Atomics.load(view, 1);
      if (beat !== last) {
        last = beat;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > CASE_TIMEOUT_MS) {
        const at = Atomics.load(view, 0);
        void worker.terminate();
        finish({ hungAt: at });
      }
    }, 50);
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'failure') onFailure(m.failure);
      else if (m.type === 'done') finish({ done: m });
      else finish({ described: m });
    });
    worker.on('error', (err) => finish({ crash: err.stack ?? String(err) }));
    worker.on('exit', (code) => finish({ crash: `worker exited with code ${code}` }));
  });
}

/** Runs cases [0, cases) of `target` (or only FUZZ_ONLY); failures include the input as base64. */
export async function campaign(target: string, cases: number): Promise<CampaignResult> {
  const bundle = await bundleWorker();
  const t0 = Date.now();
  const failures: CaseFailure[] = [];
  const hangs: CaseFailure[] = [];
  let accepted = 0;
  let rejected = 0;
  const only = process.env.FUZZ_ONLY !== undefined ? Number(process.env.FUZZ_ONLY) : undefined;
  let from = only ?? 0;
  const to = only !== undefined ? only + 1 : cases;
  const base = { target, seed: SEED, fixtures: FIXTURES };
  while (from < to) {
    const r = await runWorker(bundle, { ...base, mode: 'run', from, to }, (f) => failures.push(f));
    if (r.done) {
      accepted += r.done.accepted;
      rejected += r.done.rejected;
      break;
    }
    const at = r.hungAt ?? from;
    const d = await runWorker(bundle, { ...base, mode: 'describe', from: at, to: at + 1 }, () => {});
    const info = d.described ?? { input: '', how: [], options: {} };
    const what = r.hungAt !== undefined ? `hang: case still running after ${CASE_TIMEOUT_MS / 1000} s` : `worker crashed: ${r.crash ?? ''}`;
    hangs.push({ index: at, message: what, how: info.how, options: info.options, input: info.input });
    from = at + 1;
  }
  return { target, seed: SEED, cases: to - (only ?? 0), accepted, rejected, failures, hangs, ms: Date.now() - t0 };
}

/** A report for the test output; inputs over 8 KB (base64) go to test-artifacts/fuzz/ instead. */
export function report(r: CampaignResult): string {
  const lines = [`fuzz ${r.target}: seed ${r.seed}, ${r.cases} cases (${r.accepted} imported, ${r.rejected} refused) in ${(r.ms / 1000).toFixed(1)} s`];
  const all = [...r.hangs, ...r.failures];
  const shown = new Set<string>();
  for (const f of all) {
    const sig = f.message.replace(/\d+/g, '#').slice(0, 120);
    if (shown.has(sig)) continue;
    shown.add(sig);
    const n = all.filter((g) => g.message.replace(/\d+/g, '#').slice(0, 120) === sig).length;
    lines.push(`  case ${f.index} (${n} like it): ${f.message}`, `    mutations: ${f.how.join(', ')}; options ${JSON.stringify(f.options)}`);
    for (const [label, b64] of [['minimized', f.minimized], ['input', f.input]] as const) {
      if (b64 === undefined) continue;
      if (b64.length <= 8192) lines.push(`    ${label} (base64): ${b64}`);
      else {
        mkdirSync(ARTIFACTS, { recursive: true });
        const file = join(ARTIFACTS, `${r.target}-seed${r.seed}-case${f.index}-${label}.bin`);
        writeFileSync(file, Buffer.from(b64, 'base64'));
        lines.push(`    ${label}: ${Buffer.from(b64, 'base64').length} bytes written to ${file}`);
      }
    }
    lines.push(`    rerun: FUZZ_SEED=${r.seed} FUZZ_ONLY=${f.index} npx vitest run test/fuzz -t ${r.target}`);
  }
  return lines.join('\n');
}
