// Entry of a benchmark worker thread: worker threads do not inherit tsx's loader hooks, so the
// worker loads its TypeScript module (workerData.module, relative to this folder) through tsx's API.
import { workerData } from "node:worker_threads";
import { tsImport } from "tsx/esm/api";

await tsImport(workerData.module, import.meta.url);
