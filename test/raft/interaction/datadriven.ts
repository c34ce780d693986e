/**
 * The scenario file format (etcd's datadriven, simplified): comment lines start with `#`; a
 * command is one line, then `----`, then its expected output up to the next blank line.
 * Outputs never contain blank lines (an empty output is written as `ok`).
 */

/** ScenarioCommand is one command line and the output recorded for it. */
export interface ScenarioCommand {
  /** comments: the `#` lines (and blank lines between them) written before the command. */
  readonly comments: readonly string[];
  readonly line: string;
  /** lineNumber: 1-based line of the command, for error messages. */
  readonly lineNumber: number;
  readonly expected: readonly string[];
}

/** SCENARIO_SEPARATOR separates a command from its expected output. */
export const SCENARIO_SEPARATOR = "----";

/** parseScenario splits a scenario file into commands; a malformed file throws naming the line. */
export function parseScenario(text: string, file: string): ScenarioCommand[] {
  const lines = text.split("\n");
  const commands: ScenarioCommand[] = [];
  let comments: string[] = [];
  let i = 0;
  // Bounded: every iteration consumes at least one line.
  while (i < lines.length) {
    const line = lines[i] ?? "";
    if (line.startsWith("#") || (line.trim() === "" && comments.length > 0)) {
      comments.push(line);
      i += 1;
      continue;
    }
    if (line.trim() === "") {
      i += 1;
      continue;
    }
    const lineNumber = i + 1;
    if (lines[i + 1] !== SCENARIO_SEPARATOR) {
      throw new Error(`${file}:${lineNumber}: command "${line}" must be followed by a ${SCENARIO_SEPARATOR} line`);
    }
    i += 2;
    const expected: string[] = [];
    while (i < lines.length && (lines[i] ?? "") !== "") {
      expected.push(lines[i] ?? "");
      i += 1;
    }
    commands.push({ comments: trimTrailingBlank(comments), line, lineNumber, expected });
    comments = [];
  }
  return commands;
}

function trimTrailingBlank(lines: string[]): string[] {
  const out = [...lines];
  while (out.length > 0 && (out[out.length - 1] ?? "").trim() === "") out.pop();
  return out;
}

/** formatScenario writes commands with the given outputs back into the file format. */
export function formatScenario(commands: readonly ScenarioCommand[], outputs: readonly (readonly string[])[]): string {
  const blocks = commands.map((command, i) => {
    const output = outputs[i] ?? [];
    if (output.some((line) => line === "")) throw new Error(`output of "${command.line}" contains a blank line`);
    return [...command.comments, command.line, SCENARIO_SEPARATOR, ...(output.length > 0 ? output : ["ok"])].join("\n");
  });
  return `${blocks.join("\n\n")}\n`;
}

/** CommandArgs: positional arguments and key=value options of one command line. */
export interface CommandArgs {
  readonly name: string;
  readonly positional: readonly string[];
  readonly options: ReadonlyMap<string, string>;
}

/** parseCommandLine splits `name pos1 pos2 key=value ...` on whitespace. */
export function parseCommandLine(line: string): CommandArgs {
  const [name = "", ...words] = line.trim().split(/\s+/);
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (const word of words) {
    const eq = word.indexOf("=");
    if (eq > 0) options.set(word.slice(0, eq), word.slice(eq + 1));
    else positional.push(word);
  }
  return { name, positional, options };
}
