/**
 * subjects.ts: NATS subject syntax and matching: validity, `filter` against a literal subject,
 * overlap of two filters, and subset of two filters.
 *
 * Tokens are separated by `.`. A token that is exactly `*` matches one token; a final token that
 * is exactly `>` matches one or more tokens. `*` or `>` inside a longer token is a literal
 * character, as in nats-server.
 */

const TOKEN_SEPARATOR = ".";
const WILDCARD_ONE = "*";
const WILDCARD_TAIL = ">";
const WHITESPACE = /[ \t\n\r\f]/;
const DOT_CODE = 0x2e;
const STAR_CODE = 0x2a;
const GT_CODE = 0x3e;

/** isValidSubject reports whether `subject` is a valid subject or filter (wildcards allowed). */
export function isValidSubject(subject: string): boolean {
  if (subject.length === 0) return false;
  if (WHITESPACE.test(subject)) return false;
  const tokens = subject.split(TOKEN_SEPARATOR);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (token.length === 0) return false;
    if (token === WILDCARD_TAIL && i !== tokens.length - 1) return false;
  }
  return true;
}

/** isLiteralSubject reports whether `subject` has no wildcard token. */
export function isLiteralSubject(subject: string): boolean {
  const tokens = subject.split(TOKEN_SEPARATOR);
  for (const token of tokens) {
    if (token === WILDCARD_ONE || token === WILDCARD_TAIL) return false;
  }
  return true;
}

/**
 * isWildcardFilter is the cheap test the per-subject index uses to choose between a direct
 * lookup and a scan: any `*` or `>` character, even inside a longer (literal) token, takes the
 * scan, which matches such a token literally and so still finds the right subjects.
 */
export function isWildcardFilter(filter: string): boolean {
  return filter.includes(WILDCARD_ONE) || filter.includes(WILDCARD_TAIL);
}

/**
 * isValidPublishSubject reports whether `subject` is valid and literal (isValidSubject and
 * isLiteralSubject together). It runs for every published message, so it is one pass over the
 * characters: no split into tokens, no regular expression.
 */
export function isValidPublishSubject(subject: string): boolean {
  if (subject.length === 0) return false;
  let tokenStart = 0;
  for (let i = 0; i <= subject.length; i++) {
    const c = i < subject.length ? subject.charCodeAt(i) : DOT_CODE;
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c) return false;
    if (c !== DOT_CODE) continue;
    if (i === tokenStart) return false;
    if (i === tokenStart + 1) {
      const only = subject.charCodeAt(tokenStart);
      if (only === STAR_CODE || only === GT_CODE) return false;
    }
    tokenStart = i + 1;
  }
  return true;
}

/**
 * subjectMatches reports whether the literal `subject` is matched by `filter`.
 * Both are assumed valid; a literal filter matches only the identical subject.
 */
export function subjectMatches(filter: string, subject: string): boolean {
  if (filter === subject) return true;
  if (filter === WILDCARD_TAIL) return subject.length > 0;
  const filterTokens = filter.split(TOKEN_SEPARATOR);
  const subjectTokens = subject.split(TOKEN_SEPARATOR);
  for (let i = 0; i < filterTokens.length; i++) {
    const f = filterTokens[i] as string;
    if (f === WILDCARD_TAIL) return subjectTokens.length > i;
    const s = subjectTokens[i];
    if (s === undefined) return false;
    if (f !== WILDCARD_ONE && f !== s) return false;
  }
  return filterTokens.length === subjectTokens.length;
}

/**
 * subjectsOverlap reports whether some literal subject is matched by both filters `a` and `b`
 * (nats-server's SubjectsCollide). Two streams may not have overlapping subjects.
 */
export function subjectsOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  const aTokens = a.split(TOKEN_SEPARATOR);
  const bTokens = b.split(TOKEN_SEPARATOR);
  const common = Math.min(aTokens.length, bTokens.length);
  for (let i = 0; i < common; i++) {
    const x = aTokens[i] as string;
    const y = bTokens[i] as string;
    if (x === WILDCARD_TAIL || y === WILDCARD_TAIL) return true;
    if (x === WILDCARD_ONE || y === WILDCARD_ONE) continue;
    if (x !== y) return false;
  }
  if (aTokens.length === bTokens.length) return true;
  // One filter has tokens left over; only a trailing `>` on the longer one was handled above,
  // and `>` needs at least one token, so `foo` and `foo.>` do not overlap.
  return false;
}

/**
 * subjectIsSubsetOf reports whether every subject matched by `subset` is also matched by
 * `superset` (nats-server's subjectIsSubsetMatch).
 */
export function subjectIsSubsetOf(subset: string, superset: string): boolean {
  const subTokens = subset.split(TOKEN_SEPARATOR);
  const superTokens = superset.split(TOKEN_SEPARATOR);
  for (let i = 0; i < superTokens.length; i++) {
    const sup = superTokens[i] as string;
    const sub = subTokens[i];
    if (sub === undefined) return false;
    if (sup === WILDCARD_TAIL) return true;
    if (sub === WILDCARD_TAIL) return false;
    if (sup === WILDCARD_ONE) continue;
    if (sub === WILDCARD_ONE || sub !== sup) return false;
  }
  return subTokens.length === superTokens.length;
}
