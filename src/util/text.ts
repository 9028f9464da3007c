/**
 * Text from input files (names, paths, JSON keys) shown on a terminal: control
 * characters are written as escapes, so a file cannot move the cursor, change
 * colours or start a new line that looks like gcsim's own output.
 */

// C0 controls, DEL and C1 controls; the line and paragraph separators too.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (c === "\n") return "\\n";
  if (c === "\r") return "\\r";
  if (c === "\t") return "\\t";
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** One line of text from an input file, safe to print: every control character escaped, newlines included. */
export function escapeTerminal(text: string): string {
  return text.replace(CONTROL, escapeChar);
}
