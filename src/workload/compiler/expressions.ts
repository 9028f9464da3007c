/**
 * Expressions: integer and condition expressions, and reference operands,
 * compiled to JavaScript.
 *
 * What it owns:
 *  - parsing an expression source (a string or an integer) with its errors;
 *  - constant folding of literals and parameters (for loop steps);
 *  - code for an expression used as a number (`genInt`) or as a condition
 *    (`genCond`), and the built-in functions (rand, randint, sample, min, max,
 *    abs, isnull, same) with their arity;
 *  - reads of variables that may be unset (checked unless the variable is
 *    known to be assigned on every path here), and reference operands
 *    (a reference variable or null).
 */
import { ExprSyntaxError, parseExpr, type Expr } from "../expr.js";
import type { ExprSource, RefOperand } from "../types.js";
import { IDENT, type Declarations, type Scope, type Variable } from "./declarations.js";
import { lit } from "./link.js";

/** The value of a literal or a parameter (not shadowed by a variable in scope), else undefined. */
export function constant(c: Declarations, source: ExprSource, scope: Scope): number | undefined {
  if (typeof source === "number") return source;
  try {
    const e = parseExpr(source);
    if (e.kind === "num") return e.value;
    if (e.kind === "name" && !scope.vars.has(e.name) && Object.hasOwn(c.params, e.name)) return c.params[e.name];
    if (e.kind === "unary" && e.op === "-" && e.arg.kind === "num") return -e.arg.value;
  } catch {
    // reported when the expression is compiled
  }
  return undefined;
}

function parse(c: Declarations, source: ExprSource | undefined, path: string): Expr | undefined {
  if (typeof source === "number") {
    if (!Number.isSafeInteger(source)) {
      c.error(path, `${source} is not a safe integer`);
      return undefined;
    }
    return { kind: "num", value: source };
  }
  if (typeof source !== "string") {
    c.error(path, `expected an integer expression, got ${JSON.stringify(source)}`);
    return undefined;
  }
  try {
    return parseExpr(source);
  } catch (e) {
    if (e instanceof ExprSyntaxError) {
      c.error(path, e.message);
      return undefined;
    }
    throw e;
  }
}

export function intExpr(c: Declarations, source: ExprSource | undefined, path: string, site: number, scope: Scope, assigned: Set<string>): string {
  const e = parse(c, source, path);
  return e ? genInt(c, e, path, site, scope, assigned) : "0";
}

export function condExpr(c: Declarations, source: ExprSource, path: string, site: number, scope: Scope, assigned: Set<string>): string {
  const e = parse(c, source, path);
  return e ? genCond(c, e, path, site, scope, assigned) : "false";
}

/** JS code for an expression used as a number. */
function genInt(c: Declarations, e: Expr, path: string, site: number, scope: Scope, assigned: Set<string>): string {
  const int = (x: Expr) => genInt(c, x, path, site, scope, assigned);
  switch (e.kind) {
    case "num":
      return lit(e.value);
    case "name": {
      const v = scope.vars.get(e.name);
      if (v) {
        if (v.kind === "ref") {
          c.error(path, `"${e.name}" is a reference; use isnull(${e.name}) to test it`);
          return "0";
        }
        return assigned.has(v.name) ? v.js : `chkI(${v.js}, ${site}, ${v.nameIndex})`;
      }
      if (Object.hasOwn(c.params, e.name)) return lit(c.params[e.name]);
      c.error(path, `unknown name "${e.name}"${c.suggest(e.name, [...scope.vars.keys(), ...Object.keys(c.params)])}`);
      return "0";
    }
    case "call":
      return genCall(c, e, path, site, scope, assigned);
    case "unary":
      return e.op === "-" ? `(-${int(e.arg)})` : `(${genCond(c, e, path, site, scope, assigned)} ? 1 : 0)`;
    case "binary":
      switch (e.op) {
        case "+":
        case "-":
        case "*":
          return `(${int(e.left)} ${e.op} ${int(e.right)})`;
        case "/":
          return `idiv(${int(e.left)}, ${int(e.right)}, ${site})`;
        case "%":
          return `imod(${int(e.left)}, ${int(e.right)}, ${site})`;
        case "**":
          return `ipow(${int(e.left)}, ${int(e.right)}, ${site})`;
        default:
          return `(${genCond(c, e, path, site, scope, assigned)} ? 1 : 0)`;
      }
  }
}

/** JS code for an expression used as a condition (non-zero is true). */
function genCond(c: Declarations, e: Expr, path: string, site: number, scope: Scope, assigned: Set<string>): string {
  const cond = (x: Expr) => genCond(c, x, path, site, scope, assigned);
  const int = (x: Expr) => genInt(c, x, path, site, scope, assigned);
  if (e.kind === "unary" && e.op === "!") return `!${cond(e.arg)}`;
  if (e.kind === "binary") {
    switch (e.op) {
      case "&&":
      case "||":
        return `(${cond(e.left)} ${e.op} ${cond(e.right)})`;
      case "<":
      case "<=":
      case ">":
      case ">=":
        return `(${int(e.left)} ${e.op} ${int(e.right)})`;
      case "==":
        return `(${int(e.left)} === ${int(e.right)})`;
      case "!=":
        return `(${int(e.left)} !== ${int(e.right)})`;
    }
  }
  return `(${int(e)} !== 0)`;
}

const ARITY: Record<string, number> = { rand: 1, randint: 2, min: 2, max: 2, abs: 1, isnull: 1, same: 2, sample: 1 };

function genCall(c: Declarations, e: Expr & { kind: "call" }, path: string, site: number, scope: Scope, assigned: Set<string>): string {
  if (!Object.hasOwn(ARITY, e.name)) {
    c.error(path, `unknown function "${e.name}" (functions: ${Object.keys(ARITY).join(", ")})`);
    return "0";
  }
  if (e.args.length !== ARITY[e.name]) {
    c.error(path, `${e.name} takes ${ARITY[e.name]} argument${ARITY[e.name] === 1 ? "" : "s"}, got ${e.args.length}`);
    return "0";
  }
  if (e.name === "same") {
    // Reference identity: both names must be reference variables.
    const refs = e.args.map((arg) => {
      const v = arg.kind === "name" ? c.variable(arg.name, path, scope) : undefined;
      if (arg.kind !== "name") c.error(path, "same takes two reference variable names");
      else if (v && v.kind !== "ref") c.error(path, `same needs reference variables; "${arg.name}" is an int`);
      return v && v.kind === "ref" ? refRead(v, site, assigned) : "0";
    });
    return `(${refs[0]} === ${refs[1]} ? 1 : 0)`;
  }
  if (e.name === "isnull" || e.name === "sample") {
    const arg = e.args[0];
    if (arg.kind !== "name") {
      c.error(path, `${e.name} takes a name`);
      return "0";
    }
    if (e.name === "sample") {
      const d = c.distributionIndex.get(arg.name);
      if (d === undefined) {
        c.error(path, `unknown distribution "${arg.name}" (distributions: ${[...c.distributionIndex.keys()].join(", ") || "none"})`);
        return "0";
      }
      return `rt.sample(${d})`;
    }
    const v = c.variable(arg.name, path, scope);
    if (!v) return "0";
    if (v.kind !== "ref") {
      c.error(path, `isnull needs a reference variable; "${arg.name}" is an int`);
      return "0";
    }
    return `(${refRead(v, site, assigned)} === 0 ? 1 : 0)`;
  }
  const args = e.args.map((a) => genInt(c, a, path, site, scope, assigned));
  switch (e.name) {
    case "rand":
      return `rand(${args[0]}, ${site})`;
    case "randint":
      return `randint(${args[0]}, ${args[1]}, ${site})`;
    case "min":
      return `Math.min(${args[0]}, ${args[1]})`;
    case "max":
      return `Math.max(${args[0]}, ${args[1]})`;
    default:
      return `Math.abs(${args[0]})`;
  }
}

/** A read of a reference variable that must not be unset. */
export function refRead(v: Variable, site: number, assigned: Set<string>): string {
  return assigned.has(v.name) ? v.js : `chkR(${v.js}, ${site}, ${v.nameIndex})`;
}

/** A reference operand: a reference variable or null. */
export function refOperand(c: Declarations, op: RefOperand | undefined, path: string, site: number, scope: Scope, assigned: Set<string>): string {
  if (op === null) return "0";
  if (typeof op !== "string" || !IDENT.test(op)) {
    c.error(path, `expected a reference variable or null, got ${JSON.stringify(op)}`);
    return "0";
  }
  const v = c.variable(op, path, scope);
  if (!v) return "0";
  if (v.kind !== "ref") {
    c.error(path, `"${op}" is an int; a reference variable or null is needed here`);
    return "0";
  }
  return refRead(v, site, assigned);
}
