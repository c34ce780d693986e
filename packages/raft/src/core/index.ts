/** The pure Raft core: algorithm, messages, config, errors, events and a seeded PRNG. */
export * from "./types";
export * from "./config";
export * from "./errors";
export * from "./events";
export * from "./messages";
export * from "./prng";
export { RaftCore, type RaftStatus, type PeerProgress } from "./raft";
export { Role, type Ready, type RaftRestore } from "./state";
export type { ProposeOptions, ProposeResult } from "./propose";
export { AssertionError, assert, assertNever } from "../assert";
export { ProgressState } from "../tracker/progress";
export { quorumSize } from "../quorum/majority";
