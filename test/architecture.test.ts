/**
 * Architecture rules from design.md, checked on the source text so a wrong-way import or a clock
 * in the pure core fails the suite instead of waiting for a reviewer:
 * - dependencies point one way: server → batching → stream, server → raft; raft imports nothing of ours;
 * - the Raft core is pure: no clock, no randomness, no timers, no I/O, no async;
 * - stream apply is deterministic: it reads no clock and no randomness.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  const abs = join(root, dir);
  return readdirSync(abs, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => join(abs, file));
}

/** importsOf lists the module specifiers of every static or dynamic import and re-export. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers: string[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*["']([^"']+)["']/g)) {
    specifiers.push(match[1] as string);
  }
  for (const match of text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) specifiers.push(match[1] as string);
  for (const match of text.matchAll(/(?:^|\n)\s*import\s+["']([^"']+)["']/g)) specifiers.push(match[1] as string);
  return specifiers;
}

/** ourPackage names the workspace package a specifier reaches, by name or by relative path. */
function ourPackage(file: string, specifier: string): string | null {
  const byName = /^@flotilla\/([a-z]+)/.exec(specifier);
  if (byName) return byName[1] as string;
  if (!specifier.startsWith(".")) return null;
  const target = relative(join(root, "packages"), join(file, "..", specifier));
  if (target.startsWith("..")) return "outside-packages";
  return target.split("/")[0] as string;
}

const allowed: Record<string, readonly string[]> = {
  raft: ["raft"],
  stream: ["stream"],
  batching: ["batching", "stream"],
};

describe("architecture", () => {
  it.each(Object.keys(allowed))("packages/%s imports only the packages design.md allows", (pkg) => {
    const offenders: string[] = [];
    for (const file of sourceFiles(`packages/${pkg}/src`)) {
      for (const specifier of importsOf(file)) {
        const target = ourPackage(file, specifier);
        if (target !== null && !(allowed[pkg] as readonly string[]).includes(target)) {
          offenders.push(`${relative(root, file)} imports ${specifier}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it("the import scan sees relative and named imports (so the rule above can fail)", () => {
    const file = join(root, "packages/batching/src/leader.ts");
    const specifiers = importsOf(file);
    expect(specifiers.some((s) => s.startsWith("@flotilla/stream"))).toBe(true);
    expect(ourPackage(file, "../../raft/src/index")).toBe("raft");
    expect(ourPackage(file, "@flotilla/raft")).toBe("raft");
    expect(ourPackage(file, "./checks")).toBe("batching");
    expect(importsOf(file).length).toBeGreaterThan(3);
  });

  it("the Raft core is pure: no clock, randomness, timers, I/O or async", () => {
    const forbidden =
      /Date\.now\(|new Date\(|performance\.now\(|Math\.random\(|setTimeout\(|setInterval\(|setImmediate\(|process\.hrtime|\basync\b|\bawait\b|from\s+["']node:/;
    const offenders = [...sourceFiles("packages/raft/src/core"), ...sourceFiles("packages/raft/src/quorum"),
      ...sourceFiles("packages/raft/src/tracker")]
      .filter((file) => forbidden.test(readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "")))
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });

  it("the Raft core imports only itself, quorum, tracker and the package's assert and limits", () => {
    const raftSrc = join(root, "packages/raft/src");
    const pure = ["core/", "quorum/", "tracker/", "assert.ts", "limits.ts"];
    const offenders: string[] = [];
    for (const file of [...sourceFiles("packages/raft/src/core"), ...sourceFiles("packages/raft/src/quorum"),
      ...sourceFiles("packages/raft/src/tracker")]) {
      for (const specifier of importsOf(file)) {
        const target = specifier.startsWith(".") ? relative(raftSrc, join(file, "..", specifier)) : null;
        const ok = target !== null && pure.some((p) => (p.endsWith("/") ? target.startsWith(p) : `${target}.ts` === p));
        if (!ok) offenders.push(`${relative(root, file)} imports ${specifier}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("stream apply reads no clock and no randomness", () => {
    const forbidden = /Date\.now\(|new Date\(|performance\.now\(|Math\.random\(|process\.hrtime/;
    const offenders = sourceFiles("packages/stream/src")
      .filter((file) => forbidden.test(readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "")))
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });
});
