/**
 * internal.ts: entry point for tests and sibling packages that need internals.
 */
export * from "./index";
export * from "./assert";
export { goQuote } from "./go-quote";
export * from "./limits";
export { parseStreamConfigInput } from "./config-parse";
