/**
 * The workload input boundary's limits, checked on the parsed JSON before the
 * schema validator and the compiler see it, so neither meets input beyond
 * them (both recurse on nesting; V8 compiles the generated code recursively):
 *
 *   fileBytes        largest workload file
 *   depth            deepest JSON nesting (objects and arrays); a statement
 *                    nested in another takes two levels
 *   expressionTokens most tokens in one integer expression (or one {...} of a print)
 *   integers         every number is finite, and an integer one is at most
 *                    2^53 - 1 in magnitude (a safe integer)
 *
 * The check itself walks the document with an explicit stack, never recursion.
 * Also here: the confinement rule for the files a workload names.
 */
import { isAbsolute } from "node:path";
import { escapeTerminal } from "../util/text.js";

export const WORKLOAD_LIMITS = {
  fileBytes: 16 << 20,
  depth: 64,
  expressionTokens: 256,
} as const;

/** Keys whose string values are integer expressions. */
const EXPRESSION_KEYS = new Set(["slots", "bytes", "args", "return", "value", "if", "while", "repeat", "from", "through", "step", "assert", "count", "nodes"]);

const TOKEN = /\d+|[A-Za-z_][A-Za-z0-9_]*|\*\*|<=|>=|==|!=|&&|\|\||\S/g;

function tokens(source: string): number {
  TOKEN.lastIndex = 0;
  let n = 0;
  while (TOKEN.exec(source) !== null) n++;
  return n;
}

/** A JSON pointer segment. */
function segment(key: string | number): string {
  return `/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`;
}

const MAX_REPORTED = 20;

/** Problems with the parsed document's size and shape, as "path: message" lines; empty when within every limit. */
export function workloadLimitErrors(json: unknown): string[] {
  const errors: string[] = [];
  const stack: { value: unknown; path: string; depth: number; key: string | number | undefined; inExpression: boolean }[] = [
    { value: json, path: "", depth: 0, key: undefined, inExpression: false },
  ];
  while (stack.length > 0 && errors.length < MAX_REPORTED) {
    const { value, path, depth, key, inExpression } = stack.pop()!;
    const at = path || "/";
    if (typeof value === "number") {
      if (!Number.isFinite(value)) errors.push(`${at}: number out of range`);
      else if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
        errors.push(`${at}: integer ${value} is beyond the limit of ±${Number.MAX_SAFE_INTEGER} (2^53 - 1)`);
      }
    } else if (typeof value === "string") {
      const expressions =
        key === "print"
          ? [...value.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1])
          : inExpression || (typeof key === "string" && EXPRESSION_KEYS.has(key))
            ? [value]
            : [];
      for (const e of expressions) {
        const n = tokens(e);
        if (n > WORKLOAD_LIMITS.expressionTokens) errors.push(`${at}: expression of ${n} tokens is longer than the limit of ${WORKLOAD_LIMITS.expressionTokens}`);
      }
    } else if (typeof value === "object" && value !== null) {
      if (depth >= WORKLOAD_LIMITS.depth) {
        errors.push(`${at}: nested deeper than the limit of ${WORKLOAD_LIMITS.depth} levels`);
        continue;
      }
      // Call arguments (an array under "args") are expressions too.
      const childExpression = key === "args";
      const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, v] = entries[i];
        stack.push({ value: v, path: path + segment(k), depth: depth + 1, key: childExpression ? key : k, inExpression: childExpression });
      }
    }
  }
  return errors.map((e) => escapeTerminal(e));
}

/**
 * The confinement rule: a workload may name only files next to it or below
 * its folder, by a relative path without "..". The answer depends on the
 * path alone, never on the file system, so it cannot tell whether a file exists.
 */
export function confinedPathError(path: string): string | undefined {
  const parts = path.split(/[\\/]+/);
  const outside = path === "" || path.includes("\0") || isAbsolute(path) || /^[A-Za-z]:/.test(path) || parts.includes("..") || parts.every((p) => p === "" || p === ".");
  return outside ? notConfined(path) : undefined;
}

/** The one message for a path outside the workload's folder. */
export function notConfined(path: string): string {
  return `"${escapeTerminal(path)}" is not allowed: a workload may only name a file in its own folder or below it, by a relative path without ".."`;
}
