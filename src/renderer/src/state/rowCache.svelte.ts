// Pages of rows for the data grid. The grid says which rows it wants; fetches are coalesced
// (a short debounce while scrolling, one request at a time, only pages still wanted) and kept in
// a small LRU. Pages are plain data outside Svelte's proxies; one reactive counter announces
// arrivals so the visible rows re-render.
import type { RowPage } from '../../../shared/types.js';

export type Cell = number | string | null;
/** A page of the dataset, or of a filtered view (`rows`: each row's 0-based row in the dataset). */
export type GridPage = RowPage & { rows?: number[] };
export type FetchPage = (offset: number, limit: number) => Promise<GridPage>;

export const PAGE_ROWS = 500;
const MAX_PAGES = 48;
const DEBOUNCE_MS = 40;
const MAX_WAIT_MS = 150;

export class RowCache {
  readonly nrows: number;
  readonly #fetch: FetchPage;
  #pages = new Map<number, GridPage>();
  #loading = new Set<number>();
  #wanted: { first: number; last: number } = { first: 0, last: -1 };
  #timer: ReturnType<typeof setTimeout> | null = null;
  #waitingSince = 0;
  #running = false;
  #disposed = false;
  #version = $state(0);
  #error = $state<string | null>(null);

  constructor(nrows: number, fetch: FetchPage) {
    this.nrows = nrows;
    this.#fetch = fetch;
  }

  /** Reading this makes a caller re-run when pages arrive. */
  get version(): number {
    return this.#version;
  }

  get error(): string | null {
    return this.#error;
  }

  /** The page holding `row`, or undefined while it loads. */
  page(row: number): GridPage | undefined {
    return this.#pages.get(Math.floor(row / PAGE_ROWS));
  }

  /** Declares the rows in view (inclusive); missing pages load after a short pause in scrolling. */
  want(firstRow: number, lastRow: number): void {
    if (this.nrows === 0) return;
    const first = Math.max(0, Math.floor(firstRow / PAGE_ROWS));
    const last = Math.min(Math.floor((this.nrows - 1) / PAGE_ROWS), Math.floor(Math.max(firstRow, lastRow) / PAGE_ROWS));
    this.#wanted = { first, last };
    for (let p = first; p <= last; p++) this.#touch(p);
    if (this.#missing().length === 0) return;
    // Debounce while the user scrolls, but never starve: a slow continuous drag still loads
    // at least every MAX_WAIT_MS.
    const now = performance.now();
    if (this.#timer === null) this.#waitingSince = now;
    else clearTimeout(this.#timer);
    const delay = now - this.#waitingSince >= MAX_WAIT_MS ? 0 : DEBOUNCE_MS;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#drain();
    }, delay);
  }

  dispose(): void {
    this.#disposed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#pages.clear();
  }

  #missing(): number[] {
    const out: number[] = [];
    for (let p = this.#wanted.first; p <= this.#wanted.last; p++) if (!this.#pages.has(p) && !this.#loading.has(p)) out.push(p);
    return out;
  }

  // One request at a time: fast scrolling across a million rows must not queue hundreds of fetches
  // for pages that are already off screen when they return.
  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      for (;;) {
        if (this.#disposed) return;
        const next = this.#missing()[0];
        if (next === undefined) return;
        this.#loading.add(next);
        try {
          const offset = next * PAGE_ROWS;
          const page = await this.#fetch(offset, Math.min(PAGE_ROWS, this.nrows - offset));
          if (this.#disposed) return;
          this.#pages.set(next, page);
          this.#evict();
          this.#error = null;
          this.#version++;
        } catch (err) {
          this.#error = err instanceof Error ? err.message : String(err);
          return;
        } finally {
          this.#loading.delete(next);
        }
      }
    } finally {
      this.#running = false;
    }
  }

  #touch(page: number): void {
    const hit = this.#pages.get(page);
    if (hit) {
      this.#pages.delete(page);
      this.#pages.set(page, hit);
    }
  }

  #evict(): void {
    for (const key of this.#pages.keys()) {
      if (this.#pages.size <= MAX_PAGES) break;
      if (key >= this.#wanted.first && key <= this.#wanted.last) continue;
      this.#pages.delete(key);
    }
  }
}
