// Public API for browsers: everything of src/index.ts except what needs
// Node's file system (saveMMM/loadMMM, writeReport; use FittedMMM's
// toBytes/fromBytes and buildReportHtml instead). Chains run in Web Workers
// started from the worker bundle beside this module (dist/browser/worker.js),
// or from wherever webWorkerFactory(url) points.
export * from "./publicApi.js";
export { defaultWorkerFactory } from "./services/workerHost.js";
export { currentSpendingBudget } from "./report/budget.js";
export { EXAMPLE_COLUMNS } from "./model/example.js";
