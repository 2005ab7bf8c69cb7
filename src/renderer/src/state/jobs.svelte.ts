// Long-running work reported by main through job events: the one active job (shown in the status
// bar with progress and Cancel) and the promises of callers waiting for a job to finish.
import type { ArgsOf } from '../../../shared/ipc.js';
import type { JobFinished, JobStage } from '../../../shared/types.js';
import { host } from '../host.js';

export interface ActiveJob {
  /** null while an import runs before main has reported a job id. */
  jobId: string | null;
  kind: 'estimate' | 'import' | 'tool';
  stage: JobStage;
  /** 0..1, or null when the amount of work is unknown. */
  fraction: number | null;
  label?: string;
}

/** How many finished events to keep for jobs whose id the caller does not know yet. */
const EARLY_LIMIT = 32;

export class JobsState {
  #active = $state.raw<ActiveJob | null>(null);
  #waiters = new Map<string, (finished: JobFinished) => void>();
  // A cached estimate can finish before `estimate:run` has returned its job id.
  #early = new Map<string, JobFinished>();

  get active(): ActiveJob | null {
    return this.#active;
  }

  get busy(): boolean {
    return this.#active !== null;
  }

  /** Subscribes to job events; returns the unsubscribe function. */
  attach(): () => void {
    const offProgress = host.on('job:progress', (p) => {
      if (this.#early.has(p.jobId)) return;
      this.#active = { jobId: p.jobId, kind: p.kind, stage: p.stage, fraction: clamp(p.fraction), label: p.label };
    });
    const offFinished = host.on('job:finished', (f) => this.#finish(f));
    return () => {
      offProgress();
      offFinished();
    };
  }

  /** Starts an estimation and resolves when main reports it finished (ok, failed or cancelled). */
  async estimate(args: ArgsOf<'estimate:run'>): Promise<JobFinished> {
    this.#active = { jobId: null, kind: 'estimate', stage: 'queued', fraction: 0 };
    let jobId: string;
    try {
      ({ jobId } = await host.invoke('estimate:run', args));
    } catch (err) {
      this.#active = null;
      throw err;
    }
    const early = this.#early.get(jobId);
    if (early) {
      this.#early.delete(jobId);
      if (this.#active?.jobId === null || this.#active?.jobId === jobId) this.#active = null;
      return early;
    }
    if (this.#active?.jobId === null) this.#active = { ...this.#active, jobId };
    return new Promise((resolve) => this.#waiters.set(jobId, resolve));
  }

  /** Runs an import call, showing it as the active job until it returns. */
  async track<T>(kind: ActiveJob['kind'], work: () => Promise<T>): Promise<T> {
    this.#active = { jobId: null, kind, stage: kind === 'import' ? 'import' : 'queued', fraction: null };
    try {
      return await work();
    } finally {
      if (this.#active?.kind === kind) this.#active = null;
    }
  }

  async cancel(): Promise<void> {
    const jobId = this.#active?.jobId;
    if (!jobId) return;
    await host.invoke('job:cancel', { jobId });
  }

  #finish(finished: JobFinished): void {
    if (this.#active?.jobId === finished.jobId) this.#active = null;
    const waiter = this.#waiters.get(finished.jobId);
    if (waiter) {
      this.#waiters.delete(finished.jobId);
      waiter(finished);
      return;
    }
    if (finished.kind !== 'estimate') return;
    this.#early.set(finished.jobId, finished);
    if (this.#early.size > EARLY_LIMIT) {
      const oldest = this.#early.keys().next().value;
      if (oldest !== undefined) this.#early.delete(oldest);
    }
  }
}

function clamp(fraction: number): number | null {
  return Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : null;
}
