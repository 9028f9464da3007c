/**
 * The workload compiler: a schema-valid workload document becomes JavaScript
 * source that V8 compiles, so the mutator runs at close to the speed of a
 * hand-written program instead of re-walking JSON per operation.
 *
 * What it owns:
 *  - semantic checks with JSON paths (unknown names, kinds, arity, fields);
 *  - name resolution: every workload name becomes an index. User-supplied
 *    names and strings never reach the generated source: variables become
 *    `i3` / `R[fp + 2]`, functions `f1`, statements a site number whose path
 *    is kept in a table; numbers are checked safe integers before printing.
 *  - code generation against the collector's constraints (store barrier or
 *    direct stores), resolved once here rather than per operation.
 *
 * Runtime model of the generated code:
 *  - reference variables live in the shadow stack R (frames) and G (globals),
 *    which are the GC roots; they hold an address, 0 (null) or -1 (unset).
 *    Every use re-reads them, so a moving collector's updates are seen.
 *  - integer variables are JS locals (not roots), NaN until assigned.
 *  - `ops` counts statements; `depth` counts active calls; both have limits.
 */
import { InputError } from "../errors.js";
import { MAX_PAYLOAD_BYTES, MAX_SLOTS } from "../heap/object-model.js";
import type { GraphRootSlots } from "../graph/graph-runtime.js";
import { MutatorCounter } from "../metrics/clock.js";
import { ExprSyntaxError, parseExpr, type Expr } from "./expr.js";
import { STATEMENT_KINDS, type ExprSource, type RefOperand, type Statement, type WorkloadDoc } from "./types.js";

export interface CompileOptions {
  /** Emit calls to gc.writeRef for reference stores instead of direct memory writes. */
  storeBarrier: boolean;
  /**
   * Report every write of a reference variable, frame exit and returned
   * reference to the collector (reference counting counts root references).
   */
  rootBarrier?: boolean;
  /** Overrides of the workload's declared parameters. */
  params?: Record<string, number>;
  maxOps: number;
  maxDepth: number;
}

export interface CompiledProgram {
  name: string;
  /** Effective parameter values (defaults with overrides applied). */
  params: Record<string, number>;
  /** Generated JavaScript: the body of a function (gc, mem, R, G, rt, rng) returning { main, stackTop, readCounters }. */
  source: string;
  /** JSON path of each statement, indexed by site number. */
  sites: string[];
  /** Variable names, indexed by the number the generated code passes in error paths. */
  names: string[];
  /** Hidden global roots the graph statements use, when the workload has a graph. */
  graphRoots: GraphRootSlots | undefined;
  /** Literal parts of each print statement's text, around its placeholders. */
  templates: string[][];
  /** Cumulative weights per distribution, and their values, for sample(). */
  distributions: { cumulative: number[]; values: number[] }[];
  globalRefCount: number;
  stackSlots: number;
  /** The operation limit the code was compiled with (graph statements count against it too). */
  maxOps: number;
}

type Kind = "int" | "ref";

interface Variable {
  name: string;
  kind: Kind;
  /** JS expression reading or writing the variable. */
  js: string;
  /** For reference variables: the root array ("R" or "G") and the index expression. */
  array?: string;
  index?: string;
  /** Index into `names` for messages. */
  nameIndex: number;
}

interface Scope {
  vars: Map<string, Variable>;
  returns: Kind | undefined;
  isMain: boolean;
}

interface FunctionSig {
  index: number;
  params: { name: string; kind: Kind }[];
  returns: Kind | undefined;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TARGET = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[(.+)\])?$/;

function lit(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`internal: non-integer literal ${n}`);
  return n < 0 ? `(${n})` : String(n);
}

function parseDecl(decl: string): { name: string; kind: Kind } {
  const [name, kind] = decl.split(":");
  return { name, kind: kind as Kind };
}

export function compileWorkload(doc: WorkloadDoc, options: CompileOptions): CompiledProgram {
  return new Compiler(doc, options).compile();
}

class Compiler {
  private readonly errors: string[] = [];
  private readonly sites: string[] = [];
  private readonly names: string[] = [];
  private readonly params: Record<string, number> = {};
  private readonly types = new Map<string, { nslots: number; bytes: number; fields: string[] }>();
  /** Field name -> slot index, shared by every type that declares the field. */
  private readonly fields = new Map<string, number>();
  private readonly functions = new Map<string, FunctionSig>();
  private readonly distributionIndex = new Map<string, number>();
  private readonly distributions: CompiledProgram["distributions"] = [];
  private readonly templates: string[][] = [];
  private readonly globals = new Map<string, Variable>();
  private globalInts = 0;
  private globalRefs = 0;
  private temp = 0;
  private maxFrameRefs = 0;
  /** Index in G of the hidden root that holds a returned reference (used under reference counting). */
  private returnRegister = 0;
  private graphRoots: GraphRootSlots | undefined;

  constructor(
    private readonly doc: WorkloadDoc,
    private readonly options: CompileOptions,
  ) {}

  compile(): CompiledProgram {
    const { doc, options } = this;
    this.declareParams();
    this.declareDistributions();
    this.declareTypes();
    this.declareGlobals();
    this.returnRegister = this.globalRefs++;
    if (doc.graph) this.graphRoots = { table: this.globalRefs++, roots: this.globalRefs++, hold: this.globalRefs++ };
    this.declareFunctions();

    const out: string[] = [];
    out.push(`"use strict";`);
    out.push(`const MAX_OPS = ${lit(options.maxOps)}, MAX_DEPTH = ${lit(options.maxDepth)};`);
    out.push(`let sp = 0, depth = 0, ops = 0, nLoads = 0, nStores = 0, nCalls = 0, nPayload = 0;`);
    for (let i = 0; i < this.globalInts; i++) out.push(`let g${i} = NaN;`);
    out.push(RUNTIME_HELPERS);
    for (const [name, fn] of Object.entries(doc.functions ?? {})) {
      const sig = this.functions.get(name)!;
      out.push(this.compileFunction(`/functions/${name}`, sig, fn.params ?? [], fn.locals ?? [], fn.body, false));
    }
    const mainSig: FunctionSig = { index: -1, params: [], returns: undefined };
    out.push(this.compileFunction("/main", mainSig, [], doc.main.locals ?? [], doc.main.body, true));
    const C = MutatorCounter;
    out.push(
      `return { main() { fmain(); return ops; }, stackTop: () => sp, readCounters(out) { ` +
        `out[${C.statements}] = ops; out[${C.loads}] = nLoads; out[${C.stores}] = nStores; ` +
        `out[${C.calls}] = nCalls; out[${C.payloadAccesses}] = nPayload; } };`,
    );

    if (this.errors.length > 0) {
      throw new InputError(
        `workload "${doc.name}" has ${this.errors.length} error${this.errors.length === 1 ? "" : "s"}`,
        this.errors,
      );
    }
    return {
      name: doc.name,
      params: this.params,
      source: out.join("\n"),
      sites: this.sites,
      names: this.names,
      distributions: this.distributions,
      templates: this.templates,
      graphRoots: this.graphRoots,
      globalRefCount: this.globalRefs,
      stackSlots: (options.maxDepth + 2) * Math.max(1, this.maxFrameRefs),
      maxOps: options.maxOps,
    };
  }

  private error(path: string, message: string): void {
    this.errors.push(`${path}: ${message}`);
  }

  private declareParams(): void {
    const declared = this.doc.params ?? {};
    for (const [name, p] of Object.entries(declared)) this.params[name] = p.default;
    for (const [name, value] of Object.entries(this.options.params ?? {})) {
      if (!Object.hasOwn(declared, name)) {
        const known = Object.keys(declared);
        this.error(`--param ${name}`, `unknown parameter (parameters: ${known.length ? known.join(", ") : "none"})`);
      } else if (!Number.isSafeInteger(value)) {
        this.error(`--param ${name}`, `value must be an integer, got ${value}`);
      } else {
        this.params[name] = value;
      }
    }
  }

  private declareDistributions(): void {
    for (const [name, d] of Object.entries(this.doc.distributions ?? {})) {
      const path = `/distributions/${name}`;
      if (d.values.length !== d.weights.length) {
        this.error(path, `has ${d.values.length} values but ${d.weights.length} weights`);
        continue;
      }
      let total = 0;
      const cumulative = d.weights.map((w) => (total += w));
      if (total <= 0) this.error(path, "weights must not all be zero");
      this.distributionIndex.set(name, this.distributions.length);
      this.distributions.push({ cumulative, values: d.values });
    }
  }

  private declareTypes(): void {
    for (const [name, t] of Object.entries(this.doc.types ?? {})) {
      const refs = t.refs ?? [];
      refs.forEach((field, index) => {
        const existing = this.fields.get(field);
        if (existing !== undefined && existing !== index) {
          this.error(
            `/types/${name}/refs/${index}`,
            `field "${field}" is slot ${index} here but slot ${existing} in another type; a field name must have one slot index in every type`,
          );
        }
        this.fields.set(field, index);
      });
      this.types.set(name, { nslots: refs.length, bytes: t.bytes ?? 0, fields: refs });
    }
  }

  private declareGlobals(): void {
    (this.doc.globals ?? []).forEach((decl, i) => {
      const { name, kind } = parseDecl(decl);
      if (this.globals.has(name)) this.error(`/globals/${i}`, `duplicate global "${name}"`);
      const v: Variable =
        kind === "ref"
          ? { name, kind, js: `G[${this.globalRefs}]`, array: "G", index: String(this.globalRefs++), nameIndex: 0 }
          : { name, kind, js: `g${this.globalInts++}`, nameIndex: 0 };
      v.nameIndex = this.nameIndex(name);
      this.globals.set(name, v);
    });
  }

  private declareFunctions(): void {
    Object.entries(this.doc.functions ?? {}).forEach(([name, fn], index) => {
      this.functions.set(name, { index, params: (fn.params ?? []).map(parseDecl), returns: fn.returns });
    });
  }

  private nameIndex(name: string): number {
    return this.names.push(name) - 1;
  }

  private site(path: string): number {
    return this.sites.push(path) - 1;
  }

  private compileFunction(
    path: string,
    sig: FunctionSig,
    params: string[],
    locals: string[],
    body: Statement[],
    isMain: boolean,
  ): string {
    const scope: Scope = { vars: new Map(this.globals), returns: sig.returns, isMain };
    const local = new Map<string, Variable>();
    let refs = 0;
    let ints = 0;
    const jsParams: string[] = [];
    const prologue: string[] = [];
    const declare = (decl: string, where: string, isParam: boolean) => {
      const { name, kind } = parseDecl(decl);
      if (local.has(name)) this.error(where, `"${name}" is declared twice`);
      const v: Variable =
        kind === "ref"
          ? { name, kind, js: `R[fp + ${refs}]`, array: "R", index: `fp + ${refs++}`, nameIndex: this.nameIndex(name) }
          : { name, kind, js: `i${ints++}`, nameIndex: this.nameIndex(name) };
      local.set(name, v);
      scope.vars.set(name, v);
      if (isParam) {
        if (kind === "int") jsParams.push(v.js);
        else {
          const arg = `a${jsParams.length}`;
          jsParams.push(arg);
          prologue.push(`${v.js} = ${arg};${this.options.rootBarrier ? ` gc.retainRoot(${arg});` : ""}`);
        }
      } else if (kind === "ref") {
        prologue.push(`${v.js} = -1;`);
      } else {
        prologue.push(`let ${v.js} = NaN;`);
      }
    };
    params.forEach((d, i) => declare(d, `${path}/params/${i}`, true));
    locals.forEach((d, i) => declare(d, `${path}/locals/${i}`, false));
    this.maxFrameRefs = Math.max(this.maxFrameRefs, refs);

    // Parameters are always set on entry; locals only once assigned.
    const assigned = new Set<string>(params.map((d) => parseDecl(d).name));
    const code = this.block(body, `${path}/body`, scope, assigned);
    const fname = isMain ? "fmain" : `f${sig.index}`;
    const fallthrough = sig.returns === undefined ? "return;" : "return 0;";
    return [
      `function ${fname}(${jsParams.join(", ")}) {`,
      `const fp = sp; sp = fp + ${refs};`,
      ...prologue,
      code,
      `${this.popFrame()} ${fallthrough}`,
      `}`,
    ].join("\n");
  }

  /** Code that ends the current frame (reference counting releases its roots first). */
  private popFrame(): string {
    return this.options.rootBarrier ? "gc.releaseFrame(R, fp, sp); sp = fp;" : "sp = fp;";
  }

  /** Code that writes a reference variable. */
  private refVarWrite(v: Variable, value: string): string {
    return this.options.rootBarrier ? `gc.writeRoot(${v.array}, ${v.index}, ${value});` : `${v.js} = ${value};`;
  }

  /** A block charges its statement count to `ops` once on entry (and per loop iteration). */
  private block(stmts: Statement[], path: string, scope: Scope, outer: Set<string>): string {
    const assigned = new Set(outer);
    const parts: string[] = [];
    if (stmts.length > 0) {
      parts.push(`if ((ops += ${stmts.length}) > MAX_OPS) rt.tooManyOps(${this.site(path)});`);
    }
    stmts.forEach((s, i) => parts.push(this.statement(s, `${path}/${i}`, scope, assigned)));
    return parts.join("\n");
  }

  private statement(s: Statement, path: string, scope: Scope, assigned: Set<string>): string {
    const kinds = STATEMENT_KINDS.filter((k) => Object.hasOwn(s, k));
    if (kinds.length !== 1) {
      this.error(
        path,
        kinds.length === 0
          ? `statement has none of ${STATEMENT_KINDS.join(", ")}`
          : `statement has ${kinds.join(" and ")}; use one statement per kind`,
      );
      return "";
    }
    const kind = kinds[0];
    const at = `${path}/${kind}`;
    const site = this.site(path);
    switch (kind) {
      case "alloc":
        return this.alloc(s, path, site, scope, assigned);
      case "store": {
        const value = this.refOperand(s.value as RefOperand, `${path}/value`, site, scope, assigned);
        return this.storeField(s.store!, at, site, scope, assigned, value);
      }
      case "load": {
        const from = this.fieldAccess(s.load!, at, site, scope, assigned);
        if (!from) return "";
        return `{ ${from.setup} nLoads++; ${this.assignTarget(s.to!, `${path}/to`, site, scope, assigned, "ref", `mem[(${from.obj} >> 2) + 2 + 2 * ${from.slot}]`)} }`;
      }
      case "assign": {
        const v = this.variable(s.assign!, at, scope);
        if (!v) return "";
        const value =
          v.kind === "ref"
            ? this.refOperand(s.value as RefOperand, `${path}/value`, site, scope, assigned)
            : this.intExpr(s.value as ExprSource, `${path}/value`, site, scope, assigned);
        assigned.add(v.name);
        return v.kind === "ref" ? this.refVarWrite(v, value) : `${v.js} = ${value};`;
      }
      case "write": {
        const word = this.payloadAccess(s.write!, at, site, scope, assigned);
        const value = this.intExpr(s.value as ExprSource, `${path}/value`, site, scope, assigned);
        return word ? `{ ${word.setup} nPayload++; mem[${word.index}] = i32(${value}, ${site}); }` : "";
      }
      case "read": {
        const word = this.payloadAccess(s.read!, at, site, scope, assigned);
        if (!word) return "";
        return `{ ${word.setup} nPayload++; ${this.assignTarget(s.to!, `${path}/to`, site, scope, assigned, "int", `mem[${word.index}]`)} }`;
      }
      case "call":
        return this.call(s, path, site, scope, assigned);
      case "return":
        return this.returnStatement(s, path, site, scope, assigned);
      case "if": {
        const cond = this.condExpr(s.if!, at, site, scope, assigned);
        const then = this.block(s.then ?? [], `${path}/then`, scope, assigned);
        const otherwise = s.else ? ` else {\n${this.block(s.else, `${path}/else`, scope, assigned)}\n}` : "";
        return `if (${cond}) {\n${then}\n}${otherwise}`;
      }
      case "while": {
        const cond = this.condExpr(s.while!, at, site, scope, assigned);
        return `while (${cond}) {\nif (++ops > MAX_OPS) rt.tooManyOps(${site});\n${this.block(s.do!, `${path}/do`, scope, assigned)}\n}`;
      }
      case "repeat": {
        const count = this.intExpr(s.repeat!, at, site, scope, assigned);
        const t = `t${this.temp++}`;
        return `for (let ${t} = ${count}; ${t} > 0; ${t}--) {\nif (++ops > MAX_OPS) rt.tooManyOps(${site});\n${this.block(s.do!, `${path}/do`, scope, assigned)}\n}`;
      }
      case "for":
        return this.forLoop(s, path, site, scope, assigned);
      case "choose": {
        const total = s.choose!.reduce((sum, c) => sum + c.weight, 0);
        if (total <= 0) {
          this.error(at, "weights must not all be zero");
          return "";
        }
        const t = `t${this.temp++}`;
        let cumulative = 0;
        const branches = s.choose!.map((c, i) => {
          cumulative += c.weight;
          return `if (${t} < ${lit(cumulative)}) {\n${this.block(c.do, `${at}/${i}/do`, scope, assigned)}\n}`;
        });
        return `{ const ${t} = rng.below(${lit(total)});\n${branches.join(" else ")} }`;
      }
      case "assert": {
        const cond = this.condExpr(s.assert!, at, site, scope, assigned);
        return `if (!(${cond})) rt.assertFailed(${site});`;
      }
      case "collect":
        return `gc.collectGarbage("requested");`;
      case "graph":
        return this.graphStatement(s, path, site, scope, assigned);
      case "print": {
        // Literal text stays in a table; only the placeholders' expressions become code.
        const parts = s.print!.split(/\{([^{}]*)\}/);
        const literals = parts.filter((_, i) => i % 2 === 0);
        const values = parts.filter((_, i) => i % 2 === 1).map((e) => this.intExpr(e, at, site, scope, assigned));
        const template = this.templates.push(literals) - 1;
        return `rt.print(${template}, [${values.join(", ")}], ${site});`;
      }
    }
  }

  private variable(name: string, path: string, scope: Scope): Variable | undefined {
    const v = scope.vars.get(name);
    if (!v) this.error(path, `unknown variable "${name}"${this.suggest(name, [...scope.vars.keys()])}`);
    return v;
  }

  private suggest(name: string, known: string[]): string {
    return known.length > 0 ? ` (in scope: ${known.join(", ")})` : " (nothing is declared here)";
  }

  /** A read of a reference variable that must not be unset. */
  private refRead(v: Variable, site: number, assigned: Set<string>): string {
    return assigned.has(v.name) ? v.js : `chkR(${v.js}, ${site}, ${v.nameIndex})`;
  }

  private refOperand(op: RefOperand | undefined, path: string, site: number, scope: Scope, assigned: Set<string>): string {
    if (op === null) return "0";
    if (typeof op !== "string" || !IDENT.test(op)) {
      this.error(path, `expected a reference variable or null, got ${JSON.stringify(op)}`);
      return "0";
    }
    const v = this.variable(op, path, scope);
    if (!v) return "0";
    if (v.kind !== "ref") {
      this.error(path, `"${op}" is an int; a reference variable or null is needed here`);
      return "0";
    }
    return this.refRead(v, site, assigned);
  }

  /** A reference variable named where an object is needed ("what" says for what, in the message). */
  private refVariable(name: unknown, path: string, scope: Scope, what: string): Variable | undefined {
    if (typeof name !== "string") {
      this.error(path, `expected the name of a reference variable (${what})`);
      return undefined;
    }
    const v = this.variable(name, path, scope);
    if (v && v.kind !== "ref") {
      this.error(path, `"${name}" is an int and has no ${what}`);
      return undefined;
    }
    return v;
  }

  /** A reference store through the collector's write barrier, or straight into memory when it has none. */
  private storeCode(obj: string, slot: string, value: string): string {
    return this.options.storeBarrier ? `gc.writeRef(${obj}, ${slot}, ${value});` : `mem[(${obj} >> 2) + 2 + 2 * ${slot}] = ${value};`;
  }

  /** Resolves "x.field" or "x[expr]" to code computing the object and slot's memory index. */
  private fieldAccess(
    text: string,
    path: string,
    site: number,
    scope: Scope,
    assigned: Set<string>,
  ): { setup: string; obj: string; slot: string } | undefined {
    const m = TARGET.exec(text);
    if (!m || (m[2] === undefined && m[3] === undefined)) {
      this.error(path, `expected "variable.field" or "variable[index]", got "${text}"`);
      return undefined;
    }
    const v = this.refVariable(m[1], path, scope, "fields");
    if (!v) return undefined;
    let slotExpr: string;
    if (m[2] !== undefined) {
      const slot = this.fields.get(m[2]);
      if (slot === undefined) {
        this.error(path, `unknown field "${m[2]}" (fields: ${[...this.fields.keys()].join(", ") || "none"})`);
        return undefined;
      }
      slotExpr = lit(slot);
    } else {
      slotExpr = this.intExpr(m[3]!, path, site, scope, assigned);
    }
    const o = `o${this.temp++}`;
    const k = `k${this.temp++}`;
    return {
      setup: `const ${o} = deref(${v.js}, ${site}, ${v.nameIndex}); const ${k} = slot(${o}, ${slotExpr}, ${site});`,
      obj: o,
      slot: k,
    };
  }

  private payloadAccess(
    text: string,
    path: string,
    site: number,
    scope: Scope,
    assigned: Set<string>,
  ): { setup: string; index: string } | undefined {
    const m = TARGET.exec(text);
    if (!m || m[3] === undefined) {
      this.error(path, `expected "variable[index]", got "${text}"`);
      return undefined;
    }
    const v = this.refVariable(m[1], path, scope, "payload");
    if (!v) return undefined;
    const word = this.intExpr(m[3], path, site, scope, assigned);
    const o = `o${this.temp++}`;
    return {
      setup: `const ${o} = deref(${v.js}, ${site}, ${v.nameIndex});`,
      index: `word(${o}, ${word}, ${site})`,
    };
  }

  private storeField(
    text: string,
    path: string,
    site: number,
    scope: Scope,
    assigned: Set<string>,
    value: string,
  ): string {
    const f = this.fieldAccess(text, path, site, scope, assigned);
    if (!f) return "";
    return `{ ${f.setup} nStores++; ${this.storeCode(f.obj, f.slot, value)} }`;
  }

  /**
   * Stores `value` (JS code, already evaluated before the target is dereferenced)
   * into a variable, field or slot. The value is computed first so that an
   * allocation or call inside it cannot leave a stale address in a JS local.
   */
  private assignTarget(
    target: string,
    path: string,
    site: number,
    scope: Scope,
    assigned: Set<string>,
    kind: Kind,
    value: string,
  ): string {
    const m = TARGET.exec(target);
    if (!m) {
      this.error(path, `bad target "${target}"`);
      return "";
    }
    if (m[2] === undefined && m[3] === undefined) {
      const v = this.variable(m[1], path, scope);
      if (!v) return "";
      if (v.kind !== kind) {
        this.error(path, `"${m[1]}" is ${v.kind === "int" ? "an int" : "a reference"} but the value is ${kind === "int" ? "an int" : "a reference"}`);
        return "";
      }
      assigned.add(v.name);
      return kind === "ref" ? this.refVarWrite(v, value) : `${v.js} = ${value};`;
    }
    if (kind !== "ref") {
      this.error(path, `an int cannot be stored in reference field "${target}"; use write for payload`);
      return "";
    }
    const t = `t${this.temp++}`;
    return `{ const ${t} = ${value}; ${this.storeField(target, path, site, scope, assigned, t)} }`;
  }

  private alloc(s: Statement, path: string, site: number, scope: Scope, assigned: Set<string>): string {
    const at = `${path}/alloc`;
    let nslots: string;
    let bytes: string;
    let fields: string[] | undefined;
    if (typeof s.alloc === "string") {
      const type = this.types.get(s.alloc);
      if (!type) {
        this.error(at, `unknown type "${s.alloc}" (types: ${[...this.types.keys()].join(", ") || "none"})`);
        return "";
      }
      nslots = lit(type.nslots);
      bytes = lit(type.bytes);
      fields = type.fields;
    } else {
      const size = s.alloc!;
      nslots = `size(${this.intExpr(size.slots, `${at}/slots`, site, scope, assigned)}, ${MAX_SLOTS}, ${site})`;
      bytes = `size(${this.intExpr(size.bytes, `${at}/bytes`, site, scope, assigned)}, ${MAX_PAYLOAD_BYTES}, ${site})`;
    }
    const t = `t${this.temp++}`;
    const inits: string[] = [];
    for (const [field, operand] of Object.entries(s.init ?? {})) {
      const fpath = `${path}/init/${field}`;
      const slot = fields?.indexOf(field) ?? -1;
      if (slot < 0) {
        this.error(fpath, fields ? `type "${s.alloc}" has no field "${field}"` : "init needs a named type");
        continue;
      }
      const value = this.refOperand(operand, fpath, site, scope, assigned);
      inits.push(`nStores++; ${this.storeCode(t, lit(slot), value)}`);
    }
    const store = this.assignTarget(s.to!, `${path}/to`, site, scope, assigned, "ref", t);
    return `{ const ${t} = gc.alloc(${nslots}, ${bytes}, ${site}); ${inits.join(" ")} ${store} }`;
  }

  /** Graph statements call the graph runtime; the roots object goes through the usual variable paths. */
  private graphStatement(s: Statement, path: string, site: number, scope: Scope, assigned: Set<string>): string {
    if (!this.doc.graph) {
      this.error(`${path}/graph`, "the workload has no \"graph\" section");
      return "";
    }
    if (s.graph === "build") return this.assignTarget(s.to!, `${path}/to`, site, scope, assigned, "ref", `rt.graph.build(${site})`);
    const roots = this.refVariable(s.from, `${path}/from`, scope, "roots object");
    if (!roots) return "";
    const from = `deref(${roots.js}, ${site}, ${roots.nameIndex})`;
    const count = this.intExpr(s.count, `${path}/count`, site, scope, assigned);
    if (s.graph === "rewire") return `rt.graph.rewire(${from}, ${count}, ${site});`;
    const nodes = this.intExpr(s.nodes, `${path}/nodes`, site, scope, assigned);
    return `rt.graph.rebuild(${from}, ${count}, Math.max(1, ${nodes}), ${site});`;
  }

  private call(s: Statement, path: string, site: number, scope: Scope, assigned: Set<string>): string {
    const sig = this.functions.get(s.call!);
    if (!sig) {
      this.error(`${path}/call`, `unknown function "${s.call}" (functions: ${[...this.functions.keys()].join(", ") || "none"})`);
      return "";
    }
    const args = s.args ?? [];
    if (args.length !== sig.params.length) {
      this.error(`${path}/args`, `"${s.call}" takes ${sig.params.length} arguments (${sig.params.map((p) => `${p.name}:${p.kind}`).join(", ")}), got ${args.length}`);
      return "";
    }
    const js = args.map((a, i) =>
      sig.params[i].kind === "ref"
        ? this.refOperand(a as RefOperand, `${path}/args/${i}`, site, scope, assigned)
        : this.intExpr(a as ExprSource, `${path}/args/${i}`, site, scope, assigned),
    );
    const invoke = `f${sig.index}(${js.join(", ")})`;
    let body: string;
    if (s.to === undefined) {
      body = `${invoke};`;
    } else if (sig.returns === undefined) {
      this.error(`${path}/to`, `"${s.call}" returns nothing`);
      return "";
    } else {
      body = this.assignTarget(s.to, `${path}/to`, site, scope, assigned, sig.returns, invoke);
    }
    if (this.options.rootBarrier && sig.returns === "ref") body += ` gc.writeRoot(G, ${this.returnRegister}, -1);`;
    return `if (++depth > MAX_DEPTH) rt.tooDeep(${site});\nnCalls++;\n${body}\ndepth--;`;
  }

  private returnStatement(s: Statement, path: string, site: number, scope: Scope, assigned: Set<string>): string {
    const at = `${path}/return`;
    if (scope.returns === undefined) {
      if (s.return !== null) this.error(at, scope.isMain ? "main returns nothing; use \"return\": null" : "this function declares no \"returns\"; use \"return\": null");
      return `{ ${this.popFrame()} return; }`;
    }
    const t = `t${this.temp++}`;
    if (scope.returns === "int") {
      return `{ const ${t} = ${this.intExpr(s.return as ExprSource, at, site, scope, assigned)}; ${this.popFrame()} return ${t}; }`;
    }
    const value = this.refOperand(s.return as RefOperand, at, site, scope, assigned);
    // Under reference counting the returned reference is held by the return register
    // until the caller has stored it, so releasing this frame cannot free it.
    const hold = this.options.rootBarrier ? ` gc.writeRoot(G, ${this.returnRegister}, ${t});` : "";
    return `{ const ${t} = ${value};${hold} ${this.popFrame()} return ${t}; }`;
  }

  private forLoop(s: Statement, path: string, site: number, scope: Scope, assigned: Set<string>): string {
    const v = this.variable(s.for!, `${path}/for`, scope);
    if (!v) return "";
    if (v.kind !== "int") {
      this.error(`${path}/for`, `loop variable "${v.name}" must be an int`);
      return "";
    }
    const from = this.intExpr(s.from!, `${path}/from`, site, scope, assigned);
    const through = this.intExpr(s.through!, `${path}/through`, site, scope, assigned);
    const inner = new Set(assigned).add(v.name);
    const body = this.block(s.do!, `${path}/do`, scope, inner);
    const t = `t${this.temp++}`;
    const stepSource = s.step ?? 1;
    const constantStep = this.constant(stepSource, scope);
    assigned.add(v.name);
    if (constantStep !== undefined) {
      if (constantStep === 0) {
        this.error(`${path}/step`, "step must not be zero");
        return "";
      }
      const cmp = constantStep > 0 ? "<=" : ">=";
      return `{ const ${t} = ${through};\nfor (${v.js} = ${from}; ${v.js} ${cmp} ${t}; ${v.js} += ${lit(constantStep)}) {\nif (++ops > MAX_OPS) rt.tooManyOps(${site});\n${body}\n}\n}`;
    }
    const step = this.intExpr(stepSource, `${path}/step`, site, scope, assigned);
    return `{ const ${t} = ${through}, ${t}s = ${step}; if (${t}s === 0) rt.fail("for loop step is zero", ${site});\nfor (${v.js} = ${from}; ${t}s > 0 ? ${v.js} <= ${t} : ${v.js} >= ${t}; ${v.js} += ${t}s) {\nif (++ops > MAX_OPS) rt.tooManyOps(${site});\n${body}\n}\n}`;
  }

  /** The value of an expression made only of literals and parameters, if it is one. */
  /** The value of a literal or a parameter (not shadowed by a variable in scope), else undefined. */
  private constant(source: ExprSource, scope: Scope): number | undefined {
    if (typeof source === "number") return source;
    try {
      const e = parseExpr(source);
      if (e.kind === "num") return e.value;
      if (e.kind === "name" && !scope.vars.has(e.name) && Object.hasOwn(this.params, e.name)) return this.params[e.name];
      if (e.kind === "unary" && e.op === "-" && e.arg.kind === "num") return -e.arg.value;
    } catch {
      // reported when the expression is compiled
    }
    return undefined;
  }

  private parse(source: ExprSource | undefined, path: string): Expr | undefined {
    if (typeof source === "number") {
      if (!Number.isSafeInteger(source)) {
        this.error(path, `${source} is not a safe integer`);
        return undefined;
      }
      return { kind: "num", value: source };
    }
    if (typeof source !== "string") {
      this.error(path, `expected an integer expression, got ${JSON.stringify(source)}`);
      return undefined;
    }
    try {
      return parseExpr(source);
    } catch (e) {
      if (e instanceof ExprSyntaxError) {
        this.error(path, e.message);
        return undefined;
      }
      throw e;
    }
  }

  private intExpr(source: ExprSource | undefined, path: string, site: number, scope: Scope, assigned: Set<string>): string {
    const e = this.parse(source, path);
    return e ? this.genInt(e, path, site, scope, assigned) : "0";
  }

  private condExpr(source: ExprSource, path: string, site: number, scope: Scope, assigned: Set<string>): string {
    const e = this.parse(source, path);
    return e ? this.genCond(e, path, site, scope, assigned) : "false";
  }

  /** JS code for an expression used as a number. */
  private genInt(e: Expr, path: string, site: number, scope: Scope, assigned: Set<string>): string {
    const int = (x: Expr) => this.genInt(x, path, site, scope, assigned);
    switch (e.kind) {
      case "num":
        return lit(e.value);
      case "name": {
        const v = scope.vars.get(e.name);
        if (v) {
          if (v.kind === "ref") {
            this.error(path, `"${e.name}" is a reference; use isnull(${e.name}) to test it`);
            return "0";
          }
          return assigned.has(v.name) ? v.js : `chkI(${v.js}, ${site}, ${v.nameIndex})`;
        }
        if (Object.hasOwn(this.params, e.name)) return lit(this.params[e.name]);
        this.error(path, `unknown name "${e.name}"${this.suggest(e.name, [...scope.vars.keys(), ...Object.keys(this.params)])}`);
        return "0";
      }
      case "call":
        return this.genCall(e, path, site, scope, assigned);
      case "unary":
        return e.op === "-" ? `(-${int(e.arg)})` : `(${this.genCond(e, path, site, scope, assigned)} ? 1 : 0)`;
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
            return `(${this.genCond(e, path, site, scope, assigned)} ? 1 : 0)`;
        }
    }
  }

  /** JS code for an expression used as a condition (non-zero is true). */
  private genCond(e: Expr, path: string, site: number, scope: Scope, assigned: Set<string>): string {
    const cond = (x: Expr) => this.genCond(x, path, site, scope, assigned);
    const int = (x: Expr) => this.genInt(x, path, site, scope, assigned);
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

  private genCall(e: Expr & { kind: "call" }, path: string, site: number, scope: Scope, assigned: Set<string>): string {
    const arity: Record<string, number> = { rand: 1, randint: 2, min: 2, max: 2, abs: 1, isnull: 1, same: 2, sample: 1 };
    if (!Object.hasOwn(arity, e.name)) {
      this.error(path, `unknown function "${e.name}" (functions: ${Object.keys(arity).join(", ")})`);
      return "0";
    }
    if (e.args.length !== arity[e.name]) {
      this.error(path, `${e.name} takes ${arity[e.name]} argument${arity[e.name] === 1 ? "" : "s"}, got ${e.args.length}`);
      return "0";
    }
    if (e.name === "same") {
      // Reference identity: both names must be reference variables.
      const refs = e.args.map((arg) => {
        const v = arg.kind === "name" ? this.variable(arg.name, path, scope) : undefined;
        if (arg.kind !== "name") this.error(path, "same takes two reference variable names");
        else if (v && v.kind !== "ref") this.error(path, `same needs reference variables; "${arg.name}" is an int`);
        return v && v.kind === "ref" ? this.refRead(v, site, assigned) : "0";
      });
      return `(${refs[0]} === ${refs[1]} ? 1 : 0)`;
    }
    if (e.name === "isnull" || e.name === "sample") {
      const arg = e.args[0];
      if (arg.kind !== "name") {
        this.error(path, `${e.name} takes a name`);
        return "0";
      }
      if (e.name === "sample") {
        const d = this.distributionIndex.get(arg.name);
        if (d === undefined) {
          this.error(path, `unknown distribution "${arg.name}" (distributions: ${[...this.distributionIndex.keys()].join(", ") || "none"})`);
          return "0";
        }
        return `rt.sample(${d})`;
      }
      const v = this.variable(arg.name, path, scope);
      if (!v) return "0";
      if (v.kind !== "ref") {
        this.error(path, `isnull needs a reference variable; "${arg.name}" is an int`);
        return "0";
      }
      return `(${this.refRead(v, site, assigned)} === 0 ? 1 : 0)`;
    }
    const args = e.args.map((a) => this.genInt(a, path, site, scope, assigned));
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
}

/**
 * Helpers the generated code calls. Small and monomorphic so V8 inlines
 * them; every failure path goes to `rt`, which throws with the site's path.
 */
const RUNTIME_HELPERS = `
function deref(a, s, n) { if (a > 0) return a; return rt.badRef(a, s, n); }
function chkR(a, s, n) { if (a >= 0) return a; return rt.unset(s, n); }
function chkI(v, s, n) { if (v === v) return v; return rt.unset(s, n); }
function slot(o, k, s) { if (k >= 0 && k < (mem[o >> 2] & ${0xffffff})) return k; return rt.badSlot(o, k, s); }
function word(o, k, s) {
  const w = o >> 2;
  if (k >= 0 && 4 * k + 4 <= mem[w + 1]) return w + 2 + 2 * (mem[w] & ${0xffffff}) + k;
  return rt.badWord(o, k, s);
}
function size(v, max, s) { if (v >= 0 && v <= max) return v; return rt.badSize(v, max, s); }
function i32(v, s) { if (v >= -2147483648 && v <= 2147483647) return v; return rt.fail("value " + v + " does not fit a 32-bit payload word", s); }
function idiv(a, b, s) { if (b === 0) rt.fail("division by zero", s); return Math.trunc(a / b); }
function imod(a, b, s) { if (b === 0) rt.fail("division by zero", s); return a % b; }
function ipow(a, b, s) { if (b < 0) rt.fail("negative exponent " + b, s); return a ** b; }
function rand(n, s) { if (n >= 1 && n <= 4294967296) return rng.below(n); return rt.fail("rand(n) needs 1 <= n <= 2^32, got " + n, s); }
function randint(lo, hi, s) { if (hi >= lo && hi - lo < 4294967296) return lo + rng.below(hi - lo + 1); return rt.fail("randint(lo, hi) needs lo <= hi, got " + lo + ", " + hi, s); }
`;
