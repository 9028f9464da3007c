/**
 * Targets: where a statement reads or writes — variables, reference fields
 * and slots (`x.left`, `x[i + 1]`), and payload words.
 *
 * What it owns:
 *  - resolving "variable.field" / "variable[index]" text to code computing the
 *    object (dereferenced, null-checked) and a bounds-checked slot or word;
 *  - stores of a computed value into a variable, field or slot, with the
 *    kind checks (an int never goes into a reference field) and the
 *    collector-dependent store code from link.ts.
 */
import type { Declarations, Kind, Scope } from "./declarations.js";
import { intExpr } from "./expressions.js";
import { COUNTER, holdReturned, lit, refVarWrite, storeCode, storeReturned, useCode } from "./link.js";

const TARGET = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[(.+)\])?$/;

/** Resolves "x.field" or "x[expr]" to code computing the object and slot's memory index. */
export function fieldAccess(
  c: Declarations,
  text: string,
  path: string,
  site: number,
  scope: Scope,
  assigned: Set<string>,
): { setup: string; obj: string; slot: string } | undefined {
  const m = TARGET.exec(text);
  if (!m || (m[2] === undefined && m[3] === undefined)) {
    c.error(path, `expected "variable.field" or "variable[index]", got "${text}"`);
    return undefined;
  }
  const v = c.refVariable(m[1], path, scope, "fields");
  if (!v) return undefined;
  let slotExpr: string;
  if (m[2] !== undefined) {
    const slot = c.fields.get(m[2]);
    if (slot === undefined) {
      c.error(path, `unknown field "${m[2]}" (fields: ${[...c.fields.keys()].join(", ") || "none"})`);
      return undefined;
    }
    slotExpr = lit(slot);
  } else {
    slotExpr = intExpr(c, m[3]!, path, site, scope, assigned);
  }
  const o = c.fresh("o");
  const k = c.fresh("k");
  return {
    setup: `const ${o} = deref(${v.js}, ${site}, ${v.nameIndex}); const ${k} = slot(${o}, ${slotExpr}, ${site});${useCode(c.holes, o)}`,
    obj: o,
    slot: k,
  };
}

/** Resolves "x[expr]" to code computing the object and the memory index of its payload word. */
export function payloadAccess(
  c: Declarations,
  text: string,
  path: string,
  site: number,
  scope: Scope,
  assigned: Set<string>,
): { setup: string; index: string } | undefined {
  const m = TARGET.exec(text);
  if (!m || m[3] === undefined) {
    c.error(path, `expected "variable[index]", got "${text}"`);
    return undefined;
  }
  const v = c.refVariable(m[1], path, scope, "payload");
  if (!v) return undefined;
  const word = intExpr(c, m[3], path, site, scope, assigned);
  const o = c.fresh("o");
  return {
    setup: `const ${o} = deref(${v.js}, ${site}, ${v.nameIndex});${useCode(c.holes, o)}`,
    index: `word(${o}, ${word}, ${site})`,
  };
}

/** A reference store of `value` (JS code) into a field or slot. */
export function storeField(
  c: Declarations,
  text: string,
  path: string,
  site: number,
  scope: Scope,
  assigned: Set<string>,
  value: string,
): string {
  const f = fieldAccess(c, text, path, site, scope, assigned);
  if (!f) return "";
  return `{ ${f.setup} ${COUNTER.nStores}++; ${storeCode(c.holes, f.obj, f.slot, value)} }`;
}

/**
 * Stores `value` (JS code, already evaluated before the target is dereferenced)
 * into a variable, field or slot. The value is computed first so that an
 * allocation or call inside it cannot leave a stale address in a JS local.
 * Given `returnRegister`, the value is a call's returned reference, which
 * that register holds: a reference variable takes it over (under reference
 * counting, a move: link.ts's storeReturned); after a field or slot store
 * through the barrier, the register lets go of it.
 */
export function assignTarget(
  c: Declarations,
  target: string,
  path: string,
  site: number,
  scope: Scope,
  assigned: Set<string>,
  kind: Kind,
  value: string,
  returnRegister?: number,
): string {
  const m = TARGET.exec(target);
  if (!m) {
    c.error(path, `bad target "${target}"`);
    return "";
  }
  if (m[2] === undefined && m[3] === undefined) {
    const v = c.variable(m[1], path, scope);
    if (!v) return "";
    if (v.kind !== kind) {
      c.error(path, `"${m[1]}" is ${v.kind === "int" ? "an int" : "a reference"} but the value is ${kind === "int" ? "an int" : "a reference"}`);
      return "";
    }
    assigned.add(v.name);
    if (kind === "int") return `${v.js} = ${value};`;
    return returnRegister === undefined ? refVarWrite(c.holes, v, value) : storeReturned(c.holes, returnRegister, v, value);
  }
  if (kind !== "ref") {
    c.error(path, `an int cannot be stored in reference field "${target}"; use write for payload`);
    return "";
  }
  const t = c.fresh("t");
  const letGo = returnRegister === undefined ? "" : holdReturned(c.holes, returnRegister, "-1");
  return `{ const ${t} = ${value}; ${storeField(c, target, path, site, scope, assigned, t)} }${letGo}`;
}
