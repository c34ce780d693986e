/**
 * The simulator's single import point for the Raft core (@flotilla/raft).
 *
 * The root package does not depend on the workspace packages, so test/sim reaches the core
 * through its source path; keeping that path in one file makes it easy to change.
 */
export * from "../../packages/raft/src/index";
