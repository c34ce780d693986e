/**
 * Runs every testdata/*.txt scenario against a real store. UPDATE=1 rewrites the expected
 * outputs in place (review the diff).
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openStore, reopen, tempDir } from "./helpers";
import { formatScenario, parseScenario, runCommand, type ScenarioContext } from "./scenario-runner";

const TESTDATA = join(import.meta.dirname, "..", "testdata");
const files = readdirSync(TESTDATA).filter((f) => f.endsWith(".txt")).sort();

describe("stream scenarios (testdata/*.txt)", () => {
  it("has scenario files", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)("%s", async (file) => {
    const path = join(TESTDATA, file);
    const text = readFileSync(path, "utf8");
    const blocks = parseScenario(text);
    const dir = await tempDir();
    const ctx: ScenarioContext = { store: await openStore(dir), reopen: async () => reopen(ctx.store, dir), raftIndex: 0, nowSeconds: 0 };
    const actual = [];
    for (const block of blocks) actual.push({ command: block.command, expected: await runCommand(ctx, block.command) });
    if (process.env.UPDATE === "1") {
      const comments = text.split("\n").filter((l, i, all) => l.startsWith("#") && all.slice(0, i).every((p) => p.startsWith("#"))).join("\n");
      writeFileSync(path, formatScenario(actual, comments === "" ? "" : `${comments}\n\n`));
      return;
    }
    for (const [i, block] of blocks.entries()) {
      expect(`${block.command}\n${actual[i]?.expected}`).toBe(`${block.command}\n${block.expected}`);
    }
  });
});
