/**
 * Option parsing shared by the command handlers: unknown options and malformed values are
 * errors that name the command, so a typo in a scenario file never passes silently.
 */
import type { CommandArgs } from "./datadriven";

/** checkOptions throws on an option `allowed` does not accept. */
export function checkOptions(args: CommandArgs, allowed: (key: string) => boolean): void {
  for (const key of args.options.keys()) {
    if (!allowed(key)) throw new Error(`${args.name}: unknown option ${key}`);
  }
}

/** checkPositional throws unless the command got between `min` and `max` positional arguments. */
export function checkPositional(args: CommandArgs, min: number, max: number): void {
  const count = args.positional.length;
  if (count < min || count > max) {
    throw new Error(`${args.name}: expected ${min === max ? min : `${min}..${max}`} arguments, got ${count}`);
  }
}

/** intOption parses a non-negative integer option, or returns `fallback` when absent. */
export function intOption(args: CommandArgs, key: string, fallback: number): number {
  const raw = args.options.get(key);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${args.name}: ${key}=${raw} is not a count`);
  return value;
}

/** boolOption parses `true`/`false`, or returns `fallback` when absent. */
export function boolOption(args: CommandArgs, key: string, fallback: boolean): boolean {
  const raw = args.options.get(key);
  if (raw === undefined) return fallback;
  if (raw !== "true" && raw !== "false") throw new Error(`${args.name}: ${key}=${raw} is not true or false`);
  return raw === "true";
}

/** termsOption parses a comma-separated list of terms (`1,1,2`), or [] when absent. */
export function termsOption(args: CommandArgs, key: string): number[] {
  const raw = args.options.get(key);
  if (raw === undefined || raw === "") return [];
  return raw.split(",").map((word) => {
    const term = Number(word);
    if (!Number.isSafeInteger(term) || term < 1) throw new Error(`${args.name}: ${key}=${raw} has a bad term ${word}`);
    return term;
  });
}
