// Variable-construction tools: pure functions, named columns in → new columns + warnings + a
// provenance text out. One file per family.
export type { ColumnResult, MultiResult, NumericResult, Panel, Var } from './types.js';
export { type PanelIndex, buildPanelIndex, difference, growth, lag, lead } from './panel.js';
export { type GroupStat, GROUP_STATS, egen, groupPercentiles, groupStatistic } from './egen.js';
export { stataPercentile } from './percentile.js';
export { type Groups, groupIds } from './groups.js';
export { type WinsorOptions, type WinsorResult, trim, winsorize } from './winsor.js';
export { logShift, standardize } from './scale.js';
export { dummies, groupOf, safeName, splitDummy } from './dummies.js';
export { interact } from './interact.js';
export { type RecodeRule, recode, recodeLevels } from './recode.js';
export { deviationPower, invariantTimesLagged } from './instruments.js';
export { type BartikInputs, bartik } from './bartik.js';
