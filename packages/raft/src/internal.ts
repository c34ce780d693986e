/** Internal entry point for tests and sibling packages: the public API plus codec internals. */
export * from "./index";
export {
  KeyPrefix, segmentKey, segmentKeyRange, hardKey, snapKey, META_KEY, printKey, segmentValueBytes, writeSegment,
  decodeSegment,
} from "./storage/codec";
