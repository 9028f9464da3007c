/**
 * The workload compiler's entry: a schema-valid workload document becomes
 * JavaScript source that V8 compiles, so the mutator runs at close to the
 * speed of a hand-written program instead of re-walking JSON per operation.
 *
 * Compiling is two steps. `compileUnlinked` checks the document (every error
 * with its JSON path, all at once), resolves every name to an index and
 * generates the program with holes where code depends on the collector and
 * the limits; it depends on the document and the parameters only, so a
 * workload is compiled once, when it is loaded. `linkProgram` (link.ts) fills
 * the holes for one run. `compileWorkload` does both.
 *
 * The parts, one concern each:
 *  - declarations.ts: names, tables and scopes;
 *  - statements.ts: the table of statement emitters, keyed by kind;
 *  - expressions.ts: integer and condition expressions, reference operands;
 *  - targets.ts: variables, fields, slots and payload words written or read;
 *  - link.ts: the collector-dependent code and linking;
 *  - runtime-helpers.ts: the helpers every generated program starts with.
 * This file owns the program's layout: header, helpers, one JS function per
 * workload function (frame setup, prologue, body, fall-through return), main,
 * and the object the program returns.
 *
 * User-supplied names and strings never reach the generated source:
 * variables become `i3` / `R[fp + 2]`, functions `f1`, statements a site
 * number whose path is kept in a table; numbers are checked safe integers
 * before printing.
 *
 * Runtime model of the generated code:
 *  - reference variables live in the shadow stack R (frames) and G (globals),
 *    which are the GC roots; they hold an address, 0 (null) or -1 (unset).
 *    Every use re-reads them, so a moving collector's updates are seen.
 *  - integer variables are JS locals (not roots), NaN until assigned.
 *  - `ops` counts statements; `depth` counts active calls; both have limits.
 */
import { InputError } from "../../errors.js";
import type { Statement, WorkloadDoc } from "../types.js";
import { Declarations, parseDecl, type FunctionSig } from "./declarations.js";
import { COUNTER, COUNTER_DECLARATION, holdReturned, limitsHeader, linkProgram, READ_COUNTERS, popFrame, type CompiledProgram, type LinkOptions, type UnlinkedProgram } from "./link.js";
import { RUNTIME_HELPERS } from "./runtime-helpers.js";
import { block } from "./statements.js";

export { linkProgram, type CompiledProgram, type LinkOptions, type UnlinkedProgram } from "./link.js";
export { STATEMENT_KINDS } from "./statements.js";

export interface CompileOptions extends LinkOptions {
  /** Overrides of the workload's declared parameters. */
  params?: Record<string, number>;
}

export function compileWorkload(doc: WorkloadDoc, options: CompileOptions): CompiledProgram {
  return linkProgram(compileUnlinked(doc, options.params), options);
}

/** Checks and compiles a workload for any collector; throws InputError listing every problem. */
export function compileUnlinked(doc: WorkloadDoc, params?: Readonly<Record<string, number>>): UnlinkedProgram {
  const c = new Declarations(doc, params);
  c.declareAll();

  const out: string[] = [];
  out.push(`"use strict";`);
  out.push(limitsHeader(c.holes));
  out.push(`let sp = 0, depth = 0;`, COUNTER_DECLARATION);
  for (let i = 0; i < c.globalInts; i++) out.push(`let g${i} = NaN;`);
  out.push(RUNTIME_HELPERS);
  for (const [name, fn] of Object.entries(doc.functions ?? {})) {
    const sig = c.functions.get(name)!;
    out.push(compileFunction(c, `/functions/${name}`, sig, fn.params ?? [], fn.locals ?? [], fn.body, false));
  }
  const mainSig: FunctionSig = { index: -1, params: [], returns: undefined };
  out.push(compileFunction(c, "/main", mainSig, [], doc.main.locals ?? [], doc.main.body, true));
  out.push(`return { main() { fmain(); return ${COUNTER.ops}; }, stackTop: () => sp, ${READ_COUNTERS} };`);

  if (c.errors.length > 0) {
    throw new InputError(`workload "${doc.name}" has ${c.errors.length} error${c.errors.length === 1 ? "" : "s"}`, c.errors);
  }
  return {
    name: doc.name,
    params: c.params,
    overrides: params && { ...params }, // the caller's object may change later
    template: out.join("\n"),
    holes: c.holes,
    sites: c.sites,
    names: c.names,
    distributions: c.distributions,
    templates: c.templates,
    graphRoots: c.graphRoots,
    globalRefCount: c.globalRefs,
    frameRefs: c.maxFrameRefs,
  };
}

function compileFunction(
  c: Declarations,
  path: string,
  sig: FunctionSig,
  params: string[],
  locals: string[],
  body: Statement[],
  isMain: boolean,
): string {
  const frame = c.declareFrame(path, sig, params, locals, isMain);
  // Parameters are always set on entry; locals only once assigned.
  const assigned = new Set<string>(params.map((d) => parseDecl(d).name));
  const code = block(c, body, `${path}/body`, frame.scope, assigned);
  const fname = isMain ? "fmain" : `f${sig.index}`;
  const fallthrough = sig.returns === undefined ? "return;" : "return 0;";
  // Running off the end of a reference function returns null, through the return register as `return null` does.
  const nullReturned = sig.returns === "ref" ? holdReturned(c.holes, c.returnRegister, "0") : "";
  return [
    `function ${fname}(${frame.jsParams.join(", ")}) {`,
    `const fp = sp; sp = fp + ${frame.refs};`,
    ...frame.prologue,
    code,
    `${nullReturned}${popFrame(c.holes)} ${fallthrough}`,
    `}`,
  ].join("\n");
}
