/** The Raft core under test, through the package's internal entry point. */
export * from "@flotilla/raft/internal";
