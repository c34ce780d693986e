/** @flotilla/raft public entry point: the pure core and (later) the durable node driver. */
export * from "./core/index";
