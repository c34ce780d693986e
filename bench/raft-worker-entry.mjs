// Entry of a bench:raft node worker: worker threads do not inherit tsx's loader hooks, so the
// worker loads its TypeScript module through tsx's API.
import { tsImport } from "tsx/esm/api";

await tsImport("./raft-worker.ts", import.meta.url);
