// The variable search shared by the sidebar's variable list and the data grid's columns: one query,
// matched against each variable's name and both labels (Chinese and English). A plain reactive
// field; nothing subscribes to host events here.
import type { VariableInfo } from '../../../shared/types.js';

/** Full-width letters and digits fold to ASCII (NFKC), then lower case. */
function fold(s: string): string {
  return s.normalize('NFKC').toLowerCase();
}

/** Every whitespace-separated term of the query appears in the name or a label. */
export function variableMatches(v: VariableInfo, query: string): boolean {
  const terms = fold(query).split(/\s+/).filter(Boolean);
  if (terms.length === 0) return true;
  const fields = [v.name, v.label.zh, v.label.en].filter((s): s is string => typeof s === 'string').map(fold);
  return terms.every((term) => fields.some((f) => f.includes(term)));
}

class VariableSearch {
  #query = $state('');

  get query(): string {
    return this.#query;
  }
  set query(value: string) {
    this.#query = value;
  }
  get active(): boolean {
    return this.#query.trim() !== '';
  }

  filter(variables: readonly VariableInfo[]): VariableInfo[] {
    const q = this.#query;
    return this.active ? variables.filter((v) => variableMatches(v, q)) : [...variables];
  }
}

export const variableSearch = new VariableSearch();
