/** Internal entry point for tests and sibling packages: the public API plus codec internals. */
export * from "./index";
export { logKey, hardKey, snapKey, META_KEY, printKey, encodeEntry, decodeEntry } from "./storage/codec";
