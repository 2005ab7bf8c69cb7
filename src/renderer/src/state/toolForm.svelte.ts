// The variable-tool form's state, generated from a tool declaration (src/shared/tools.ts): the
// parameters the user filled, the request they make and its problems, checked live.
import { TOOLS, type ToolId, type ToolParamValue, type ToolProblem, type ToolRequest, checkToolRequest } from '../../../shared/tools.js';
import type { DatasetInfo } from '../../../shared/types.js';

export class ToolForm {
  #tool = $state<ToolId>('generate');
  #params = $state.raw<Record<string, ToolParamValue>>({});
  readonly #dataset: () => DatasetInfo | null;
  readonly #datasets: () => DatasetInfo[];

  #request = $derived.by((): ToolRequest => {
    const params: Record<string, ToolParamValue> = {};
    for (const p of TOOLS[this.#tool].params) {
      const v = this.#params[p.key];
      if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
      params[p.key] = v;
    }
    return { tool: this.#tool, params };
  });

  #problems = $derived.by((): ToolProblem[] => {
    const ds = this.#dataset();
    const others = new Map(this.#datasets().map((d) => [d.name, d.variables]));
    return ds ? checkToolRequest(this.#request, ds.variables, ds.panel ?? null, others) : [{ param: 'dataset', message: 'no dataset' }];
  });

  constructor(dataset: () => DatasetInfo | null, datasets: () => DatasetInfo[]) {
    this.#dataset = dataset;
    this.#datasets = datasets;
  }

  get tool(): ToolId {
    return this.#tool;
  }
  set tool(id: ToolId) {
    if (!TOOLS[id] || id === this.#tool) return;
    this.#tool = id;
    // keep values of parameters the new tool also has (vars, by, ...)
    const keep: Record<string, ToolParamValue> = {};
    for (const p of TOOLS[id].params) if (this.#params[p.key] !== undefined) keep[p.key] = this.#params[p.key];
    this.#params = keep;
  }
  get decl() {
    return TOOLS[this.#tool];
  }
  value(key: string): ToolParamValue | undefined {
    const v = this.#params[key];
    if (v !== undefined) return v;
    return TOOLS[this.#tool].params.find((p) => p.key === key)?.default;
  }
  set(key: string, value: ToolParamValue): void {
    this.#params = { ...this.#params, [key]: value };
  }
  list(key: string): string[] {
    const v = this.#params[key];
    return Array.isArray(v) ? v : [];
  }
  toggle(key: string, name: string): void {
    const cur = this.list(key);
    this.set(key, cur.includes(name) ? cur.filter((x) => x !== name) : [...cur, name]);
  }
  get request(): ToolRequest {
    return this.#request;
  }
  get problems(): ToolProblem[] {
    return this.#problems;
  }
  get valid(): boolean {
    return this.#problems.length === 0;
  }
  reset(): void {
    this.#params = {};
  }
}
