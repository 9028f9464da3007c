/**
 * Statements: one emitter per statement kind, in one table.
 *
 * What it owns:
 *  - EMITTERS, keyed by statement kind and checked against the kinds declared
 *    in types.ts (`StatementKinds`): a kind without an emitter, or an emitter
 *    for something that is not a kind, does not compile. STATEMENT_KINDS, the
 *    runtime list (messages, the schema test), is derived from it;
 *  - dispatch (exactly one kind key per statement) and blocks, which charge
 *    their statement count to `ops` once on entry;
 *  - definite assignment: `assigned` holds the variables set on every path to
 *    the current statement, whose reads need no unset check.
 */
import { MAX_PAYLOAD_BYTES, MAX_SLOTS } from "../../heap/object-model.js";
import type { ExprSource, RefOperand, Statement, StatementKind } from "../types.js";
import type { Declarations, Scope } from "./declarations.js";
import { condExpr, constant, intExpr, refOperand } from "./expressions.js";
import { COUNTER, holdReturned, lit, moveReturned, popFrame, refVarWrite, storeCode } from "./link.js";
import { assignTarget, fieldAccess, payloadAccess, storeField } from "./targets.js";

/** Where a statement is: its JSON path, the path of its kind key, its site number, scope and assigned variables. */
interface Here {
  path: string;
  at: string;
  site: number;
  scope: Scope;
  assigned: Set<string>;
}

type Emitter = (c: Declarations, s: Statement, h: Here) => string;

const EMITTERS = {
  alloc(c, s, { path, site, scope, assigned }) {
    const at = `${path}/alloc`;
    let nslots: string;
    let bytes: string;
    let fields: string[] | undefined;
    if (typeof s.alloc === "string") {
      const type = c.types.get(s.alloc);
      if (!type) {
        c.error(at, `unknown type "${s.alloc}" (types: ${[...c.types.keys()].join(", ") || "none"})`);
        return "";
      }
      nslots = lit(type.nslots);
      bytes = lit(type.bytes);
      fields = type.fields;
    } else {
      const size = s.alloc!;
      nslots = `size(${intExpr(c, size.slots, `${at}/slots`, site, scope, assigned)}, ${MAX_SLOTS}, ${site})`;
      bytes = `size(${intExpr(c, size.bytes, `${at}/bytes`, site, scope, assigned)}, ${MAX_PAYLOAD_BYTES}, ${site})`;
    }
    const t = c.fresh("t");
    const inits: string[] = [];
    for (const [field, operand] of Object.entries(s.init ?? {})) {
      const fpath = `${path}/init/${field}`;
      const slot = fields?.indexOf(field) ?? -1;
      if (slot < 0) {
        c.error(fpath, fields ? `type "${s.alloc}" has no field "${field}"` : "init needs a named type");
        continue;
      }
      const value = refOperand(c, operand, fpath, site, scope, assigned);
      inits.push(`${COUNTER.nStores}++; ${storeCode(c.holes, t, lit(slot), value)}`);
    }
    const store = assignTarget(c, s.to!, `${path}/to`, site, scope, assigned, "ref", t);
    return `{ const ${t} = gc.alloc(${nslots}, ${bytes}, ${site}); ${inits.join(" ")} ${store} }`;
  },

  store(c, s, { path, at, site, scope, assigned }) {
    const value = refOperand(c, s.value as RefOperand, `${path}/value`, site, scope, assigned);
    return storeField(c, s.store!, at, site, scope, assigned, value);
  },

  load(c, s, { path, at, site, scope, assigned }) {
    const from = fieldAccess(c, s.load!, at, site, scope, assigned);
    if (!from) return "";
    return `{ ${from.setup} ${COUNTER.nLoads}++; ${assignTarget(c, s.to!, `${path}/to`, site, scope, assigned, "ref", `mem[(${from.obj} >> 2) + 2 + 2 * ${from.slot}]`)} }`;
  },

  assign(c, s, { path, at, site, scope, assigned }) {
    const v = c.variable(s.assign!, at, scope);
    if (!v) return "";
    const value =
      v.kind === "ref"
        ? refOperand(c, s.value as RefOperand, `${path}/value`, site, scope, assigned)
        : intExpr(c, s.value as ExprSource, `${path}/value`, site, scope, assigned);
    assigned.add(v.name);
    return v.kind === "ref" ? refVarWrite(c.holes, v, value) : `${v.js} = ${value};`;
  },

  write(c, s, { path, at, site, scope, assigned }) {
    const word = payloadAccess(c, s.write!, at, site, scope, assigned);
    const value = intExpr(c, s.value as ExprSource, `${path}/value`, site, scope, assigned);
    return word ? `{ ${word.setup} ${COUNTER.nPayload}++; mem[${word.index}] = i32(${value}, ${site}); }` : "";
  },

  read(c, s, { path, at, site, scope, assigned }) {
    const word = payloadAccess(c, s.read!, at, site, scope, assigned);
    if (!word) return "";
    return `{ ${word.setup} ${COUNTER.nPayload}++; ${assignTarget(c, s.to!, `${path}/to`, site, scope, assigned, "int", `mem[${word.index}]`)} }`;
  },

  call(c, s, { path, site, scope, assigned }) {
    const sig = c.functions.get(s.call!);
    if (!sig) {
      c.error(`${path}/call`, `unknown function "${s.call}" (functions: ${[...c.functions.keys()].join(", ") || "none"})`);
      return "";
    }
    const args = s.args ?? [];
    if (args.length !== sig.params.length) {
      c.error(`${path}/args`, `"${s.call}" takes ${sig.params.length} arguments (${sig.params.map((p) => `${p.name}:${p.kind}`).join(", ")}), got ${args.length}`);
      return "";
    }
    const js = args.map((a, i) =>
      sig.params[i].kind === "ref"
        ? refOperand(c, a as RefOperand, `${path}/args/${i}`, site, scope, assigned)
        : intExpr(c, a as ExprSource, `${path}/args/${i}`, site, scope, assigned),
    );
    const invoke = `f${sig.index}(${js.join(", ")})`;
    let body: string;
    if (s.to === undefined) {
      // A returned reference nobody keeps: the return register lets go of it.
      body = `${invoke};${sig.returns === "ref" ? holdReturned(c.holes, c.returnRegister, "-1") : ""}`;
    } else if (sig.returns === undefined) {
      c.error(`${path}/to`, `"${s.call}" returns nothing`);
      return "";
    } else {
      body = assignTarget(c, s.to, `${path}/to`, site, scope, assigned, sig.returns, invoke, sig.returns === "ref" ? c.returnRegister : undefined);
    }
    return `if (++depth > MAX_DEPTH) rt.tooDeep(${site});\n${COUNTER.nCalls}++;\n${body}\ndepth--;`;
  },

  return(c, s, { at, site, scope, assigned }) {
    if (scope.returns === undefined) {
      if (s.return !== null) c.error(at, scope.isMain ? "main returns nothing; use \"return\": null" : "this function declares no \"returns\"; use \"return\": null");
      return `{ ${popFrame(c.holes)} return; }`;
    }
    const t = c.fresh("t");
    if (scope.returns === "int") {
      return `{ const ${t} = ${intExpr(c, s.return as ExprSource, at, site, scope, assigned)}; ${popFrame(c.holes)} return ${t}; }`;
    }
    const value = refOperand(c, s.return as RefOperand, at, site, scope, assigned);
    // Under reference counting the returned reference is in the return register until the
    // caller has stored it, so releasing this frame cannot free it: moved there from one of
    // the frame's own variables, else held (a global, null).
    const own = typeof s.return === "string" ? scope.vars.get(s.return) : undefined;
    const register = own?.kind === "ref" && own.array === "R" ? moveReturned(c.holes, c.returnRegister, own) : holdReturned(c.holes, c.returnRegister, t);
    return `{ const ${t} = ${value};${register} ${popFrame(c.holes)} return ${t}; }`;
  },

  if(c, s, { path, at, site, scope, assigned }) {
    const cond = condExpr(c, s.if!, at, site, scope, assigned);
    const then = block(c, s.then ?? [], `${path}/then`, scope, assigned);
    const otherwise = s.else ? ` else {\n${block(c, s.else, `${path}/else`, scope, assigned)}\n}` : "";
    return `if (${cond}) {\n${then}\n}${otherwise}`;
  },

  while(c, s, { path, at, site, scope, assigned }) {
    const cond = condExpr(c, s.while!, at, site, scope, assigned);
    return `while (${cond}) {\nif (++${COUNTER.ops} > MAX_OPS) rt.tooManyOps(${site});\n${block(c, s.do!, `${path}/do`, scope, assigned)}\n}`;
  },

  repeat(c, s, { path, at, site, scope, assigned }) {
    const count = intExpr(c, s.repeat!, at, site, scope, assigned);
    const t = c.fresh("t");
    return `for (let ${t} = ${count}; ${t} > 0; ${t}--) {\nif (++${COUNTER.ops} > MAX_OPS) rt.tooManyOps(${site});\n${block(c, s.do!, `${path}/do`, scope, assigned)}\n}`;
  },

  for(c, s, { path, site, scope, assigned }) {
    const v = c.variable(s.for!, `${path}/for`, scope);
    if (!v) return "";
    if (v.kind !== "int") {
      c.error(`${path}/for`, `loop variable "${v.name}" must be an int`);
      return "";
    }
    const from = intExpr(c, s.from!, `${path}/from`, site, scope, assigned);
    const through = intExpr(c, s.through!, `${path}/through`, site, scope, assigned);
    const inner = new Set(assigned).add(v.name);
    const body = block(c, s.do!, `${path}/do`, scope, inner);
    const t = c.fresh("t");
    const stepSource = s.step ?? 1;
    const constantStep = constant(c, stepSource, scope);
    assigned.add(v.name);
    if (constantStep !== undefined) {
      if (constantStep === 0) {
        c.error(`${path}/step`, "step must not be zero");
        return "";
      }
      const cmp = constantStep > 0 ? "<=" : ">=";
      return `{ const ${t} = ${through};\nfor (${v.js} = ${from}; ${v.js} ${cmp} ${t}; ${v.js} += ${lit(constantStep)}) {\nif (++${COUNTER.ops} > MAX_OPS) rt.tooManyOps(${site});\n${body}\n}\n}`;
    }
    const step = intExpr(c, stepSource, `${path}/step`, site, scope, assigned);
    return `{ const ${t} = ${through}, ${t}s = ${step}; if (${t}s === 0) rt.fail("for loop step is zero", ${site});\nfor (${v.js} = ${from}; ${t}s > 0 ? ${v.js} <= ${t} : ${v.js} >= ${t}; ${v.js} += ${t}s) {\nif (++${COUNTER.ops} > MAX_OPS) rt.tooManyOps(${site});\n${body}\n}\n}`;
  },

  choose(c, s, { at, scope, assigned }) {
    const total = s.choose!.reduce((sum, ch) => sum + ch.weight, 0);
    if (total <= 0) {
      c.error(at, "weights must not all be zero");
      return "";
    }
    const t = c.fresh("t");
    let cumulative = 0;
    const branches = s.choose!.map((ch, i) => {
      cumulative += ch.weight;
      return `if (${t} < ${lit(cumulative)}) {\n${block(c, ch.do, `${at}/${i}/do`, scope, assigned)}\n}`;
    });
    return `{ const ${t} = rng.below(${lit(total)});\n${branches.join(" else ")} }`;
  },

  assert(c, s, { at, site, scope, assigned }) {
    const cond = condExpr(c, s.assert!, at, site, scope, assigned);
    return `if (!(${cond})) rt.assertFailed(${site});`;
  },

  collect() {
    return `gc.collectGarbage("requested");`;
  },

  print(c, s, { at, site, scope, assigned }) {
    // Literal text stays in a table; only the placeholders' expressions become code.
    const parts = s.print!.split(/\{([^{}]*)\}/);
    const literals = parts.filter((_, i) => i % 2 === 0);
    const values = parts.filter((_, i) => i % 2 === 1).map((e) => intExpr(c, e, at, site, scope, assigned));
    const template = c.templates.push(literals) - 1;
    return `rt.print(${template}, [${values.join(", ")}], ${site});`;
  },

  /** Graph statements call the graph runtime; the roots object goes through the usual variable paths. */
  graph(c, s, { path, site, scope, assigned }) {
    if (!c.doc.graph) {
      c.error(`${path}/graph`, "the workload has no \"graph\" section");
      return "";
    }
    if (s.graph === "build") return assignTarget(c, s.to!, `${path}/to`, site, scope, assigned, "ref", `rt.graph.build(${site})`);
    const roots = c.refVariable(s.from, `${path}/from`, scope, "roots object");
    if (!roots) return "";
    const from = `deref(${roots.js}, ${site}, ${roots.nameIndex})`;
    const count = intExpr(c, s.count, `${path}/count`, site, scope, assigned);
    if (s.graph === "rewire") return `rt.graph.rewire(${from}, ${count}, ${site});`;
    const nodes = intExpr(c, s.nodes, `${path}/nodes`, site, scope, assigned);
    return `rt.graph.rebuild(${from}, ${count}, Math.max(1, ${nodes}), ${site});`;
  },
} satisfies Record<StatementKind, Emitter>;

/** Every statement kind, in the order messages list them. */
export const STATEMENT_KINDS = Object.keys(EMITTERS) as StatementKind[];

/** A block charges its statement count to the statement counter (`COUNTER.ops`) once on entry (and per loop iteration). */
export function block(c: Declarations, stmts: Statement[], path: string, scope: Scope, outer: Set<string>): string {
  const assigned = new Set(outer);
  const parts: string[] = [];
  if (stmts.length > 0) {
    parts.push(`if ((${COUNTER.ops} += ${stmts.length}) > MAX_OPS) rt.tooManyOps(${c.site(path)});`);
  }
  stmts.forEach((s, i) => parts.push(statement(c, s, `${path}/${i}`, scope, assigned)));
  return parts.join("\n");
}

function statement(c: Declarations, s: Statement, path: string, scope: Scope, assigned: Set<string>): string {
  const kinds = STATEMENT_KINDS.filter((k) => Object.hasOwn(s, k));
  if (kinds.length !== 1) {
    c.error(
      path,
      kinds.length === 0
        ? `statement has none of ${STATEMENT_KINDS.join(", ")}`
        : `statement has ${kinds.join(" and ")}; use one statement per kind`,
    );
    return "";
  }
  const kind = kinds[0];
  const site = c.site(path);
  return EMITTERS[kind](c, s, { path, at: `${path}/${kind}`, site, scope, assigned });
}
