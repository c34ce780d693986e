import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  isLiteralSubject,
  isValidPublishSubject,
  isValidSubject,
  subjectIsSubsetOf,
  subjectMatches,
  subjectsOverlap,
} from "../src/index";

describe("subjects", () => {
  it.each([
    ["foo", true],
    ["foo.bar", true],
    ["foo.*", true],
    ["foo.>", true],
    [">", true],
    ["*.*", true],
    ["foo.b>r", true],
    ["", false],
    ["foo.", false],
    [".foo", false],
    ["foo..bar", false],
    ["foo.>.bar", false],
    ["foo bar", false],
    ["foo\tbar", false],
  ])("isValidSubject(%j) = %s", (subject, valid) => {
    expect(isValidSubject(subject)).toBe(valid);
  });

  it("isValidPublishSubject refuses wildcard tokens only", () => {
    expect(isValidPublishSubject("a.b")).toBe(true);
    expect(isValidPublishSubject("a.*")).toBe(false);
    expect(isValidPublishSubject("a.>")).toBe(false);
    expect(isValidPublishSubject("a.b*")).toBe(true);
  });

  it("isValidPublishSubject is exactly isValidSubject and isLiteralSubject together", () => {
    const subjects = fc.string({ unit: fc.constantFrom("a", "b", ".", "*", ">", " ", "\t", "\r", "\n", "\f", "é"), maxLength: 12 });
    fc.assert(
      fc.property(subjects, (subject) => {
        expect(isValidPublishSubject(subject)).toBe(isValidSubject(subject) && isLiteralSubject(subject));
      }),
      { numRuns: 3000, seed: 7 },
    );
  });

  it.each([
    ["foo", "foo", true],
    ["foo", "bar", false],
    ["foo.*", "foo.bar", true],
    ["foo.*", "foo", false],
    ["foo.*", "foo.bar.baz", false],
    ["foo.>", "foo.bar", true],
    ["foo.>", "foo.bar.baz", true],
    ["foo.>", "foo", false],
    ["*.bar", "foo.bar", true],
    ["*.bar", "foo.baz", false],
    [">", "anything.at.all", true],
    ["*.*.>", "a.b", false],
    ["*.*.>", "a.b.c", true],
  ])("subjectMatches(%j, %j) = %s", (filter, subject, matches) => {
    expect(subjectMatches(filter, subject)).toBe(matches);
  });

  it.each([
    ["foo", "foo", true],
    ["foo", "bar", false],
    ["foo.*", "foo.bar", true],
    ["foo.*", "*.bar", true],
    ["foo.*", "foo", false],
    ["foo.>", "foo", false],
    ["foo.>", "foo.bar.baz", true],
    ["foo.>", "*.*", true],
    ["*.>", "a", false],
    [">", "a", true],
    ["a.*.c", "a.b.d", false],
    ["a.*.c", "*.b.*", true],
  ])("subjectsOverlap(%j, %j) = %s (and symmetric)", (a, b, overlap) => {
    expect(subjectsOverlap(a, b)).toBe(overlap);
    expect(subjectsOverlap(b, a)).toBe(overlap);
  });

  it.each([
    ["foo.bar", "foo.*", true],
    ["foo.*", "foo.bar", false],
    ["foo.bar.baz", "foo.>", true],
    ["foo.>", "foo.*", false],
    ["foo.*", "foo.>", true],
    ["$JS.EVENT.x", "$JS.EVENT.>", true],
    ["$JS.>", "$JS.EVENT.>", false],
    ["foo", "foo", true],
    ["foo", "foo.>", false],
  ])("subjectIsSubsetOf(%j, %j) = %s", (subset, superset, expected) => {
    expect(subjectIsSubsetOf(subset, superset)).toBe(expected);
  });
});
