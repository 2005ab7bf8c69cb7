// The descriptive statistics' result shapes live in src/shared/describe.ts (main and the renderer
// read them); the engine adds the input shape.
import type { Column } from '../data.js';

export * from '../../shared/describe.js';

/** A column with the name it has in the dataset. */
export interface NamedColumn {
  name: string;
  column: Column;
}
