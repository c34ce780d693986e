/**
 * go-quote.ts: Go's `%q` rendering of a string, which nats-server uses inside error texts
 * (`subject "a" overlaps with "a"`, `rollup value invalid: "x"`) and in the hand-built parts of
 * its PubAcks. One implementation serves the stream's config errors and batching's replies.
 */

/**
 * goQuote renders `text` as Go's `%q` does for the values clients send: `"` and `\` escaped,
 * `\n`, `\r`, `\t` by name, other control characters as `\xNN`, everything printable as is.
 */
export function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}
