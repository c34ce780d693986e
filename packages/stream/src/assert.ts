/**
 * assert.ts: invariant checks for the stream state machine.
 *
 * A failed assertion is a programmer error (or corrupt state) and crashes; nothing catches an
 * AssertionError to carry on. Expected conditions use JetStreamApiError (errors.ts) or the typed
 * errors of the module that raises them.
 */

/** AssertionError marks a broken invariant. */
export class AssertionError extends Error {
  override readonly name = "AssertionError";
}

/** assert throws an AssertionError with `message` when `condition` is false. */
export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/**
 * fail throws an AssertionError with `message`. Hot paths check with `if (bad) fail(\`...\`)`
 * so that the message, often a template with values in it, is built only when the check fails:
 * `assert(cond, \`...\`)` builds it on every call.
 */
export function fail(message: string): never {
  throw new AssertionError(message);
}

/** assertNever ends a switch over a closed union; the compiler proves it is never reached. */
export function assertNever(value: never): never {
  throw new AssertionError(`unexpected value: ${JSON.stringify(value)}`);
}
