/**
 * The simulator's single import point for the Raft core: the package's internal entry point,
 * which exposes everything the simulator drives and checks.
 */
export * from "@flotilla/raft/internal";
