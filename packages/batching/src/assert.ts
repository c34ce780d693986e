/**
 * Invariant checks for the batching package. A failed assertion is a programmer error: it throws
 * an AssertionError that nothing is meant to catch. Expected conditions (bad client input, limits)
 * are answered with JetStream API errors instead, never with assertions.
 */

/** AssertionError is thrown when an invariant of the batching package does not hold. */
export class AssertionError extends Error {
  override readonly name = "AssertionError";
}

/** assert throws an AssertionError with `message` when `condition` is false. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** assertNever marks the end of an exhaustive switch over a const-object enum. */
export function assertNever(value: never): never {
  throw new AssertionError(`unexpected value: ${String(value)}`);
}
