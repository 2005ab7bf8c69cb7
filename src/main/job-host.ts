// Runs engine jobs in a worker process, one at a time, through a small spawn shim: Electron's
// utilityProcess in the app, child_process.fork under Node (CLI, browser mode, tests). Cancel kills
// the worker (a fresh one starts for the next job); a crashed worker fails its job with a clear
// error instead of leaving the UI waiting.
import { fork } from 'node:child_process';
import { AppError } from '../shared/errors.js';
import type { EstimationResult } from '../shared/result.js';
import type { JobStage } from '../shared/types.js';
import type { ToolOutput } from '../shared/tools.js';
import type { DescribeResult } from '../shared/describe.js';
import type { ViewOutput } from '../shared/data-view.js';
import { WORKER_PROCESS_ENV } from '../shared/worker-env.js';
import type { CombineJob, DescribeJob, FromWorker, ModelColumns, RunJob, ToolJob, ToWorker, ViewJob } from '../shared/worker-messages.js';

export interface WorkerHandle {
  send(message: ToWorker): void;
  onMessage(listener: (message: FromWorker) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}

export type WorkerSpawner = () => WorkerHandle;

/** The Node shim: child_process.fork of the built worker script. */
export function nodeWorkerSpawner(workerPath: string, env: Record<string, string> = {}): WorkerSpawner {
  return () => {
    const child = fork(workerPath, [], { env: { ...process.env, ...WORKER_PROCESS_ENV, ...env }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    child.stderr?.resume();
    return {
      send: (m) => child.send(m),
      onMessage: (l) => child.on('message', (m) => l(m as FromWorker)),
      onExit: (l) => child.on('exit', (code, signal) => l(code, signal)),
      kill: () => child.kill('SIGKILL'),
    };
  };
}

type Progress = (stage: JobStage, fraction: number) => void;

interface Pending {
  job: ToWorker;
  onProgress: Progress;
  resolve: (r: unknown) => void;
  reject: (e: Error) => void;
}

export class JobHost {
  private worker: WorkerHandle | null = null;
  private running: Pending | null = null;
  private readonly queue: Pending[] = [];

  constructor(private readonly spawn: WorkerSpawner) {}

  run(job: RunJob, onProgress: Progress = () => {}): Promise<EstimationResult> {
    return (this.enqueue(job, onProgress) as Promise<{ result: EstimationResult }>).then((d) => d.result);
  }

  /** An estimation that also hands back the variables the model leaves in its dataset (psm). */
  runWithColumns(job: RunJob, onProgress: Progress = () => {}): Promise<{ result: EstimationResult; columns: ModelColumns }> {
    return (this.enqueue(job, onProgress) as Promise<{ result: EstimationResult; columns?: ModelColumns }>).then((d) => ({ result: d.result, columns: d.columns ?? [] }));
  }

  /** A variable tool in the worker: resolves with the new columns (main writes them). */
  runTool(job: ToolJob, onProgress: Progress = () => {}): Promise<ToolOutput> {
    return this.enqueue(job, onProgress) as Promise<ToolOutput>;
  }

  /** Descriptive statistics in the worker. */
  runDescribe(job: DescribeJob, onProgress: Progress = () => {}): Promise<DescribeResult> {
    return this.enqueue(job, onProgress) as Promise<DescribeResult>;
  }

  /** Merge / append in the worker: the new dataset's columns and the match report. */
  runCombine(job: CombineJob, onProgress: Progress = () => {}): Promise<Extract<FromWorker, { type: 'combine-done' }>> {
    return this.enqueue(job, onProgress) as Promise<Extract<FromWorker, { type: 'combine-done' }>>;
  }

  /** A data view query in the worker: a filter's row indices or a column's profile. */
  runView(job: ViewJob, onProgress: Progress = () => {}): Promise<ViewOutput> {
    return this.enqueue(job, onProgress) as Promise<ViewOutput>;
  }

  private enqueue(job: ToWorker, onProgress: Progress): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, onProgress, resolve, reject });
      this.pump();
    });
  }

  /** Cancel a queued or running job; true if it was found. */
  cancel(jobId: string): boolean {
    const i = this.queue.findIndex((p) => p.job.jobId === jobId);
    if (i >= 0) {
      const [p] = this.queue.splice(i, 1);
      p.reject(new AppError('CANCELLED', 'estimation cancelled'));
      return true;
    }
    if (this.running?.job.jobId === jobId) {
      const p = this.running;
      this.running = null;
      this.killWorker();
      p.reject(new AppError('CANCELLED', 'estimation cancelled'));
      this.pump();
      return true;
    }
    return false;
  }

  get busy(): boolean {
    return this.running !== null || this.queue.length > 0;
  }

  dispose(): void {
    for (const p of this.queue.splice(0)) p.reject(new AppError('CANCELLED', 'Panel Studio is closing'));
    if (this.running) this.running.reject(new AppError('CANCELLED', 'Panel Studio is closing'));
    this.running = null;
    this.killWorker();
  }

  private killWorker(): void {
    const w = this.worker;
    this.worker = null;
    w?.kill();
  }

  private ensureWorker(): WorkerHandle {
    if (this.worker) return this.worker;
    const w = this.spawn();
    this.worker = w;
    w.onMessage((m) => {
      if (this.worker !== w || m.type === 'ready') return;
      const p = this.running;
      if (!p || p.job.jobId !== m.jobId) return;
      if (m.type === 'progress') p.onProgress(m.stage, m.fraction);
      else {
        this.running = null;
        if (m.type === 'done') p.resolve(m);
        else if (m.type === 'tool-done') p.resolve(m.output);
        else if (m.type === 'describe-done') p.resolve(m.result);
        else if (m.type === 'combine-done') p.resolve(m);
        else if (m.type === 'view-done') p.resolve(m.output);
        else p.reject(new AppError(m.error.code, m.error.message));
        this.pump();
      }
    });
    w.onExit((code, signal) => {
      if (this.worker !== w) return; // killed on purpose
      this.worker = null;
      const p = this.running;
      this.running = null;
      if (p) {
        const how = signal ? `was killed (${signal})` : `stopped with exit code ${code}`;
        p.reject(new AppError('WORKER_CRASHED', `the estimation engine ${how} while running this model; nothing in the project was changed — run it again, and if it keeps failing, report it with the model spec`));
      }
      this.pump();
    });
    return w;
  }

  private pump(): void {
    if (this.running || this.queue.length === 0) return;
    const p = this.queue.shift() as Pending;
    this.running = p;
    try {
      this.ensureWorker().send(p.job);
    } catch (err) {
      this.running = null;
      p.reject(new AppError('WORKER_CRASHED', `could not start the estimation engine: ${err instanceof Error ? err.message : String(err)}`));
      this.pump();
    }
  }
}
