/**
 * docs/conformance.md names, for each nats-server function and test, the Flotilla test that covers
 * it. This keeps those names true: every quoted test name must still exist in a test file.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
/** PROSE: quoted phrases of the map that are not test names. */
const PROSE = new Set(["not needed"]);

function testSources(): string {
  const dirs = [...readdirSync(join(ROOT, "packages")).map((p) => join(ROOT, "packages", p, "test")), join(ROOT, "test")];
  return dirs
    .flatMap((dir) => (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts")).map((f) => join(dir, f)))
    .map((file) => readFileSync(file, "utf8"))
    .join("\n");
}

describe("conformance map", () => {
  it("every test name quoted in docs/conformance.md exists in a test file", () => {
    const map = readFileSync(join(ROOT, "docs", "conformance.md"), "utf8");
    const names = [...map.matchAll(/"([^"\n]{6,})"/g)].map((m) => m[1]!).filter((name) => !PROSE.has(name));
    expect(names.length).toBeGreaterThan(150);
    const sources = testSources();
    // A parameterised name ("... (%s)", "... $label") is matched up to its first placeholder.
    const missing = names.map((name) => name.split(/%[a-z]|\$/)[0]!.trimEnd()).filter((head) => !sources.includes(head));
    expect(missing).toEqual([]);
  });
});
