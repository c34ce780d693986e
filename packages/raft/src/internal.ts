/** Internal entry point for tests and sibling packages. */
export * from "./index";
