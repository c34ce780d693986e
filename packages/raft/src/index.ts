/** @flotilla/raft public entry point: the pure core and the durable node driver. */
export * from "./core/index";
export * from "./storage/index";
export * from "./transport/index";
export * from "./node/index";
