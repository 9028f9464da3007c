/**
 * Declarations: every name a workload declares, resolved to an index before
 * any statement is compiled, and the state one compilation shares.
 *
 * What it owns:
 *  - the compilation's tables: errors (with JSON paths), statement sites,
 *    variable names for messages, print templates, fresh temporaries, holes;
 *  - parameters (defaults and --param overrides), distributions (cumulative
 *    weights), types and their fields (one slot index per field name),
 *    globals, function signatures, and the hidden global roots (the return
 *    register, the graph's roots);
 *  - frames and scopes: a function's parameters and locals become `i3` /
 *    `R[fp + 2]`, and the lookups of variables by name in a scope.
 */
import type { GraphRootSlots } from "../../graph/graph-runtime.js";
import { didYouMean } from "../../util/suggest.js";
import type { WorkloadDoc } from "../types.js";
import { Holes, refParam, type UnlinkedProgram } from "./link.js";

export type Kind = "int" | "ref";

export interface Variable {
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

export interface Scope {
  vars: Map<string, Variable>;
  returns: Kind | undefined;
  isMain: boolean;
}

export interface FunctionSig {
  index: number;
  params: { name: string; kind: Kind }[];
  returns: Kind | undefined;
}

/** A function's frame as declared: its scope, JS parameters, prologue and reference slots. */
export interface Frame {
  scope: Scope;
  jsParams: string[];
  prologue: string[];
  refs: number;
}

export const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseDecl(decl: string): { name: string; kind: Kind } {
  const [name, kind] = decl.split(":");
  return { name, kind: kind as Kind };
}

/**
 * Declared parameters' defaults with `--param` overrides applied: the one
 * rule for every kind of workload (JSON and script). An override of an
 * undeclared parameter, or one that is not an integer, is reported through
 * `error` and left out.
 */
export function effectiveParams(
  declared: Readonly<Record<string, { default: number }>>,
  overrides: Readonly<Record<string, number>> | undefined,
  error: (path: string, message: string) => void,
): Record<string, number> {
  const params: Record<string, number> = {};
  for (const [name, p] of Object.entries(declared)) params[name] = p.default;
  for (const [name, value] of Object.entries(overrides ?? {})) {
    if (!Object.hasOwn(declared, name)) {
      const known = Object.keys(declared);
      error(`--param ${name}`, `unknown parameter${didYouMean(name, known)} (parameters: ${known.length ? known.join(", ") : "none"})`);
    } else if (!Number.isSafeInteger(value)) {
      error(`--param ${name}`, `value must be an integer, got ${value}`);
    } else {
      params[name] = value;
    }
  }
  return params;
}

export class Declarations {
  readonly errors: string[] = [];
  readonly sites: string[] = [];
  readonly names: string[] = [];
  readonly params: Record<string, number> = {};
  readonly types = new Map<string, { nslots: number; bytes: number; fields: string[] }>();
  /** Field name -> slot index, shared by every type that declares the field. */
  readonly fields = new Map<string, number>();
  readonly functions = new Map<string, FunctionSig>();
  readonly distributionIndex = new Map<string, number>();
  readonly distributions: UnlinkedProgram["distributions"] = [];
  readonly templates: string[][] = [];
  readonly globals = new Map<string, Variable>();
  readonly holes = new Holes();
  globalInts = 0;
  globalRefs = 0;
  maxFrameRefs = 0;
  /** Index in G of the hidden root that holds a returned reference (used under reference counting). */
  returnRegister = 0;
  graphRoots: GraphRootSlots | undefined;
  private temp = 0;

  constructor(
    readonly doc: WorkloadDoc,
    private readonly overrides: Readonly<Record<string, number>> | undefined,
  ) {}

  /** Declares everything at the top level of the document, in order. */
  declareAll(): void {
    this.declareParams();
    this.declareDistributions();
    this.declareTypes();
    this.declareGlobals();
    this.returnRegister = this.globalRefs++;
    if (this.doc.graph) this.graphRoots = { table: this.globalRefs++, roots: this.globalRefs++, hold: this.globalRefs++ };
    this.declareFunctions();
  }

  error(path: string, message: string): void {
    this.errors.push(`${path}: ${message}`);
  }

  nameIndex(name: string): number {
    return this.names.push(name) - 1;
  }

  site(path: string): number {
    return this.sites.push(path) - 1;
  }

  /** A fresh JS identifier: `prefix` and a number unique in the program. */
  fresh(prefix: string): string {
    return `${prefix}${this.temp++}`;
  }

  private declareParams(): void {
    Object.assign(this.params, effectiveParams(this.doc.params ?? {}, this.overrides, (path, message) => this.error(path, message)));
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

  /** Declares a function's parameters and locals: its scope (globals, then them) and its frame. */
  declareFrame(path: string, sig: FunctionSig, params: string[], locals: string[], isMain: boolean): Frame {
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
          prologue.push(refParam(this.holes, v.js, arg));
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
    return { scope, jsParams, prologue, refs };
  }

  /** A variable in scope, or an error naming what is in scope. */
  variable(name: string, path: string, scope: Scope): Variable | undefined {
    const v = scope.vars.get(name);
    if (!v) this.error(path, `unknown variable "${name}"${this.suggest(name, [...scope.vars.keys()])}`);
    return v;
  }

  suggest(name: string, known: string[]): string {
    return known.length > 0 ? ` (in scope: ${known.join(", ")})` : " (nothing is declared here)";
  }

  /** A reference variable named where an object is needed ("what" says for what, in the message). */
  refVariable(name: unknown, path: string, scope: Scope, what: string): Variable | undefined {
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
}
