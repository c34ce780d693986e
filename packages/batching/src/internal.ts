/**
 * @flotilla/batching internals, for tests, benchmarks and the simulator: the registry, the
 * in-flight tables, the check function and the parsers, which the public API wraps.
 */
export * from "./index";
export * from "./checks";
export * from "./headers";
export * from "./inflight";
export * from "./parse";
export * from "./registry";
export * from "./replies";
export { stagedBytes } from "./atomic";
export type { LeaderContext } from "./leader-context";
