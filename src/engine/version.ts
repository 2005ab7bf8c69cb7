// Bumped whenever a change can alter a number in a result; cached results from another engine
// version are recomputed.
export const ENGINE_VERSION = '0.1.0';
