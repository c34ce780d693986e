/**
 * Header value parsers with nats-server's exact acceptance rules: batch sequence (decimal uint64),
 * batch commit (`1` or `eob`), required API level (Go `strconv.Atoi`), per-message TTL (`never`,
 * a Go duration of at least 1s, or whole seconds), expected sequences (nats-server's `parseInt64`
 * read as uint64, so garbage becomes 2^64-1) and the small subject and quoting helpers the checks
 * need. Pure functions; no state.
 */
import { JS_API_LEVEL } from "./limits";

const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MAX = (1n << 63n) - 1n;
const DIGIT_0 = 48;
const DIGIT_9 = 57;

/** parseUint64Decimal accepts only ASCII digits that fit in uint64 (leading zeros allowed). */
export function parseUint64Decimal(bytes: Uint8Array | null): bigint | undefined {
  if (bytes === null || bytes.length === 0) return undefined;
  let n = 0n;
  for (const b of bytes) {
    if (b < DIGIT_0 || b > DIGIT_9) return undefined;
    n = n * 10n + BigInt(b - DIGIT_0);
    if (n > UINT64_MAX) return undefined;
  }
  return n;
}

/** BatchCommit is how a batch message asks to commit (spec §1.2). */
export const BatchCommit = { None: "none", Commit: "commit", Eob: "eob", Invalid: "invalid" } as const;
export type BatchCommit = (typeof BatchCommit)[keyof typeof BatchCommit];

/** parseBatchCommit: absent → none, `1` → commit, `eob` → eob, anything else (even "") → invalid. */
export function parseBatchCommit(bytes: Uint8Array | null): BatchCommit {
  if (bytes === null) return BatchCommit.None;
  if (bytes.length === 1 && bytes[0] === 49) return BatchCommit.Commit;
  if (bytes.length === 3 && bytes[0] === 101 && bytes[1] === 111 && bytes[2] === 98) {
    return BatchCommit.Eob;
  }
  return BatchCommit.Invalid;
}

/** requiredApiLevelUnsupported is true when the value is not a Go int or exceeds JS_API_LEVEL. */
export function requiredApiLevelUnsupported(value: string, apiLevel: number = JS_API_LEVEL): boolean {
  if (!/^[+-]?[0-9]+$/.test(value)) return true;
  const level = BigInt(value);
  if (level > INT64_MAX || level < -INT64_MAX - 1n) return true;
  return level > BigInt(apiLevel);
}

/** parseGoInt64 mirrors nats-server's parseInt64: digits only (else -1), silent int64 wrap. */
export function parseGoInt64(text: string): bigint {
  if (text.length === 0 || !/^[0-9]+$/.test(text)) return -1n;
  return BigInt.asIntN(64, BigInt(text));
}

/** parseExpectedSequence reads an expected-sequence header as nats-server does: uint64(parseInt64). */
export function parseExpectedSequence(text: string): bigint {
  return BigInt.asUintN(64, parseGoInt64(text));
}

const DURATION_UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  "\u00b5s": 1_000n,
  "\u03bcs": 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** parseGoDurationNs implements Go's time.ParseDuration; undefined when Go would return an error. */
export function parseGoDurationNs(text: string): bigint | undefined {
  let rest = text;
  let negative = false;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    negative = rest.startsWith("-");
    rest = rest.slice(1);
  }
  if (rest === "0") return 0n;
  if (rest === "") return undefined;
  let totalNs = 0n;
  const component = /^([0-9]*)(?:\.([0-9]*))?([^0-9.]+)/;
  while (rest !== "") {
    const match = component.exec(rest);
    if (match === null) return undefined;
    const whole = match[1] ?? "";
    const frac = match[2] ?? "";
    const unitText = match[3] ?? "";
    if (whole === "" && frac === "") return undefined;
    const unit = DURATION_UNIT_NS[unitText];
    if (unit === undefined) return undefined;
    let valueNs = BigInt(whole === "" ? "0" : whole) * unit;
    if (frac !== "") valueNs += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    totalNs += valueNs;
    if (totalNs > INT64_MAX) return undefined;
    rest = rest.slice(match[0].length);
  }
  return negative ? -totalNs : totalNs;
}

/** TtlParse is the outcome of reading `Nats-TTL`: seconds (-1 = never, 0 = none) or invalid. */
export type TtlParse = { readonly ok: true; readonly seconds: bigint } | { readonly ok: false };

/** parseMessageTtl follows nats-server's parseMessageTTL exactly (note: "0" is a duration < 1s,
 * so it is invalid, while "00" falls through to the integer reading and means "no TTL"). */
export function parseMessageTtl(text: string): TtlParse {
  if (text.toLowerCase() === "never") return { ok: true, seconds: -1n };
  const durationNs = parseGoDurationNs(text);
  if (durationNs !== undefined) {
    if (durationNs < 1_000_000_000n) return { ok: false };
    return { ok: true, seconds: durationNs / 1_000_000_000n };
  }
  const seconds = parseGoInt64(text);
  if (seconds < 0n) return { ok: false };
  return { ok: true, seconds };
}

/** isGoBigInt is true when Go's big.Int SetString(text, 10) accepts `text`. */
export function isGoBigInt(text: string): boolean {
  return /^[+-]?[0-9]+$/.test(text);
}

/** isValidTimeZone approximates Go's time.LoadLocation with the runtime's IANA database. */
export function isValidTimeZone(zone: string): boolean {
  if (zone === "UTC" || zone === "Local") return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
}
