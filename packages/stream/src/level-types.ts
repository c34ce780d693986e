/**
 * level-types.ts: the narrow slice of the Level API the store uses, so the rest of the package
 * depends on these shapes rather than on level's generic typings.
 */

/** LevelOp is one operation of a Level batch write. */
export type LevelOp =
  | { type: "put"; key: Uint8Array; value: Uint8Array }
  | { type: "del"; key: Uint8Array };

/** MessageReader reads one stored value by key (undefined when absent). */
export interface MessageReader {
  readValue(key: Uint8Array): Promise<Uint8Array | undefined>;
}
