// The playground's timing constants (shared by the page, its script and `npm run bench`).

/** Wall time a run may take before its worker is terminated. */
export const RUN_BUDGET_MS = 5000;
/** Quiet time after a keystroke before re-verifying. */
export const DEBOUNCE_MS = 200;
