/** The Raft core under test, imported by path (the root test folder is not a workspace package). */
export * from "../../../packages/raft/src/core/index";
