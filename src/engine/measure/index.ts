// Measurement tools: composite indices and trade measures built from several variables or from
// other datasets of the project (docs/measurement.md). Pure: named columns in, new columns out.
export { DEFAULT_ENTROPY_SHIFT, type EntropyGroupWeight, type EntropyIndicator, type EntropyResult, type EntropyWeight, entropyIndex } from './entropy.js';
export { type QualityInputs, type QualityResult, exportQuality } from './quality.js';
export { type SophisticationInputs, type SophisticationResult, exportSophistication } from './sophistication.js';
export { entropyTables } from './tables.js';
