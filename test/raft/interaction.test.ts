/**
 * Scenario files (packages/raft/testdata/*.txt): each command is run against a fresh cluster
 * per file and its output compared with the expected output written after it. Run with
 * UPDATE=1 to rewrite the expected outputs, then review the diff.
 */
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCommand } from "./interaction/commands";
import { formatScenario, parseCommandLine, parseScenario } from "./interaction/datadriven";
import { InteractionEnv } from "./interaction/env";

const TESTDATA_DIR = join(import.meta.dirname, "../../packages/raft/testdata");
const UPDATE = process.env.UPDATE === "1";
const files = readdirSync(TESTDATA_DIR).filter((name) => name.endsWith(".txt")).sort();

/** runScenario runs every command of `text` and returns the file rewritten with the actual outputs. */
function runScenario(text: string, file: string): string {
  const commands = parseScenario(text, file);
  const env = new InteractionEnv();
  const outputs = commands.map((command) => {
    try {
      return runCommand(env, parseCommandLine(command.line));
    } catch (error) {
      throw new Error(`${file}:${command.lineNumber}: ${command.line}: ${(error as Error).message}`, { cause: error });
    }
  });
  return formatScenario(commands, outputs);
}

describe("raft scenario files", () => {
  it("the testdata folder holds scenarios", () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files)("%s", (file) => {
    const path = join(TESTDATA_DIR, file);
    const text = readFileSync(path, "utf8");
    const actual = runScenario(text, file);
    if (UPDATE && actual !== text) writeFileSync(path, actual);
    else expect(actual).toBe(text);
  });
});
