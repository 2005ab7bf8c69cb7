// The data grid's row filter: the condition the user typed, the filter main holds for it (its
// count and id for paging), the last error. Replies to an older request are dropped. When the data
// change under an applied filter, it is applied again to the new version. One per window, so the
// filter survives a visit to another tab; another dataset or project starts without one.
import type { FilterInfo } from '../../../shared/data-view.js';
import type { DatasetInfo } from '../../../shared/types.js';
import { errorMessage, host } from '../host.js';

export class DataFilter {
  #text = $state('');
  #applied = $state.raw<FilterInfo | null>(null);
  #error = $state<string | null>(null);
  #running = $state(false);
  #revision = 0;
  #scope: string | null = null;

  get text(): string {
    return this.#text;
  }
  set text(value: string) {
    this.#text = value;
  }
  get applied(): FilterInfo | null {
    return this.#applied;
  }
  get error(): string | null {
    return this.#error;
  }
  get running(): boolean {
    return this.#running;
  }

  /** Applies the typed condition to the dataset; an empty condition clears the filter. */
  async apply(dataset: DatasetInfo): Promise<void> {
    const condition = this.#text.trim();
    if (condition === '') {
      this.clear();
      return;
    }
    await this.#run(dataset, condition);
  }

  clear(): void {
    this.#revision++;
    this.#applied = null;
    this.#error = null;
    this.#running = false;
  }

  /** Follows the shown dataset of a project: another one drops the filter, new data re-apply it. */
  sync(project: string | null, dataset: DatasetInfo | null): void {
    const scope = project && dataset ? `${dataset.id}\u0000${project}` : null;
    if (scope !== this.#scope) {
      this.#scope = scope;
      this.#text = '';
      this.clear();
      return;
    }
    const applied = this.#applied;
    if (dataset && applied && !this.#running && (applied.version !== dataset.version || applied.nrows !== dataset.nrows)) void this.#run(dataset, applied.condition);
  }

  async #run(dataset: DatasetInfo, condition: string): Promise<void> {
    const revision = ++this.#revision;
    this.#running = true;
    this.#error = null;
    try {
      const info = await host.invoke('dataset:filter', { datasetId: dataset.id, condition });
      if (revision !== this.#revision) return;
      this.#applied = info;
    } catch (err) {
      if (revision !== this.#revision) return;
      // a condition that cannot run filters nothing: all rows show, with the reason
      this.#applied = null;
      this.#error = errorMessage(err);
    } finally {
      if (revision === this.#revision) this.#running = false;
    }
  }
}

export const dataFilter = new DataFilter();
