// Every dataset variable a model reads: the spec's own (shared/spec.ts specVariables: y, x with
// their lags, endog, instruments, the parts of absorb interactions, cluster, panel id and time,
// treatment, the option varlists) and those of its sample restriction (`_weight < .`). The worker
// and `replicate` load exactly these — a column not loaded throws — and a stored result records
// their stamps (src/store/stamps.ts), so what counts for freshness is what the engine read.
import type { ModelSpec } from '../shared/spec.js';
import { specVariables } from '../shared/spec.js';
import { conditionVariables } from './sample-if.js';

export function modelVariables(spec: ModelSpec): string[] {
  return [...new Set([...specVariables(spec), ...conditionVariables(spec.sample?.if)])];
}
