/**
 * Invariant checks for the Raft package.
 *
 * A failed assertion is a programmer error: it throws `AssertionError`, which nothing in this
 * package catches. Expected conditions (not leader, limit reached, ...) use typed errors instead.
 */

/** AssertionError signals a broken invariant; never catch it and carry on. */
export class AssertionError extends Error {
  override readonly name = "AssertionError";
}

/** assert throws an AssertionError carrying `message` when `condition` is false. */
export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/**
 * fail throws an AssertionError. Hot paths write `if (!condition) fail(\`...${value}\`)` so the
 * message, with the values that explain it, is built only when the check fails: an assert call
 * evaluates its template literal every time, and those strings were a large share of the core's
 * allocations per proposal.
 */
export function fail(message: string): never {
  throw new AssertionError(message);
}

/** assertNever closes a switch over a const-object enum; the compiler proves it unreachable. */
export function assertNever(value: never): never {
  throw new AssertionError(`unexpected value: ${JSON.stringify(value)}`);
}
