/** Internal entry point for tests and sibling packages: the public API plus codec internals. */
export * from "./index";
export {
  KeyPrefix, segmentKey, segmentKeyRange, hardKey, snapKey, META_KEY, printKey, segmentValueBytes, writeSegment,
  decodeSegment, WAL_LOSS_KEY,
} from "./storage/codec";
export { walLossReports } from "./storage/leveldb-damage";
export { MemoryRepairTargetStore, RepairGate, type RepairEvents, type RepairTargetStore, type RefusalReason } from "./node/repair-gate";
