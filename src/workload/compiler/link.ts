/**
 * Linking: the only parts of the generated code that depend on the collector
 * and the run's limits.
 *
 * What it owns:
 *  - the options a program is linked with (store barrier, root barrier,
 *    operation and depth limits) and `linkProgram`, which fills them in;
 *  - holes: the compiler leaves a marker where code depends on those options
 *    and records a function that writes that code; linking replaces each
 *    marker. Markers are control characters, which never occur in generated
 *    code (no name or string from the workload reaches it);
 *  - the collector-dependent snippets themselves: reference stores (write
 *    barrier or a direct memory write), writes of reference variables and
 *    frame exits (root barrier, for reference counting), the limits header;
 *  - `lit`, the one way a number is printed into generated code;
 *  - where the mutator's operation counters live (`COUNTER`).
 *
 * So a workload is compiled (checked, resolved and generated) once, when it
 * is loaded, and each run only links it against its collector.
 */
import type { GraphRootSlots } from "../../graph/graph-runtime.js";
import { MutatorCounter } from "../../metrics/clock.js";

export interface LinkOptions {
  /** Emit calls to gc.writeRef for reference stores instead of direct memory writes. */
  storeBarrier: boolean;
  /**
   * Report every write of a reference variable, frame exit and returned
   * reference to the collector (reference counting counts root references).
   */
  rootBarrier?: boolean;
  maxOps: number;
  maxDepth: number;
  /**
   * Report every load, store, read or write through an object to `rt.uses`
   * (drag, --demographics). Off, the generated code has no trace of it.
   */
  trackUses?: boolean;
  /**
   * Report reference stores to `rt.liveStores`, the live-size probe's store
   * log (src/metrics/peak-live.ts), which makes its traces incremental.
   */
  liveStores?: boolean;
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

/** A compiled workload before linking: everything but the collector-dependent code. */
export interface UnlinkedProgram extends Omit<CompiledProgram, "source" | "stackSlots" | "maxOps"> {
  /** The parameter overrides it was compiled with (the effective values are `params`). */
  overrides: Readonly<Record<string, number>> | undefined;
  /** Generated JavaScript with holes. */
  template: string;
  holes: Holes;
  /** Reference slots of the largest frame. */
  frameRefs: number;
}

type Fill = (options: LinkOptions) => string;

const HOLE = /\u0000(\d+)\u0001/g;

/** The collector-dependent places of one program. */
export class Holes {
  private readonly fills: Fill[] = [];

  /** A marker for code that `fill` writes at link time. */
  add(fill: Fill): string {
    return `\u0000${this.fills.push(fill) - 1}\u0001`;
  }

  fill(template: string, options: LinkOptions): string {
    return template.replace(HOLE, (_, i: string) => this.fills[Number(i)](options));
  }
}

export function linkProgram(p: UnlinkedProgram, options: LinkOptions): CompiledProgram {
  return {
    name: p.name,
    params: { ...p.params }, // a run's own copy: the unlinked program serves every run of the workload
    source: p.holes.fill(p.template, options),
    sites: p.sites,
    names: p.names,
    distributions: p.distributions,
    templates: p.templates,
    graphRoots: p.graphRoots,
    globalRefCount: p.globalRefCount,
    stackSlots: (options.maxDepth + 2) * Math.max(1, p.frameRefs),
    maxOps: options.maxOps,
  };
}

/** A number printed into generated code: checked to be a safe integer, negatives parenthesized. */
export function lit(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`internal: non-integer literal ${n}`);
  return n < 0 ? `(${n})` : String(n);
}

/**
 * The first line after "use strict": the limits, the use tracker when the run
 * tracks uses, and `lst`, the store that tells the probe's store log first,
 * when the run has one (it is called only when there is something to log:
 * the old value is a reference, or the holder is marked).
 */
export function limitsHeader(holes: Holes): string {
  return holes.add((o) => {
    let header = `const MAX_OPS = ${lit(o.maxOps)}, MAX_DEPTH = ${lit(o.maxDepth)};${o.trackUses ? " const dm = rt.uses;" : ""}`;
    if (o.liveStores) {
      const store = o.storeBarrier ? "gc.writeRef(o, k, v);" : "mem[i] = v;";
      header +=
        "\nconst LS = rt.liveStores, LM = LS.marks;" +
        `\nfunction lst(o, k, v) { const i = (o >> 2) + 2 + 2 * k; const old = mem[i]; if (old > 0 || (LM[o >> 8] & (1 << ((o >> 3) & 31))) !== 0) LS.store(o, old, v); ${store} }`;
    }
    return header;
  });
}

/** A use of the object at `obj` (JS expression), reported when the run tracks uses; nothing otherwise. */
export function useCode(holes: Holes, obj: string): string {
  return holes.add((o) => (o.trackUses ? ` dm.use(${obj});` : ""));
}

/** A reference store through the collector's write barrier, or straight into memory when it has none; through `lst` when the probe logs stores. */
export function storeCode(holes: Holes, obj: string, slot: string, value: string): string {
  return holes.add((o) =>
    o.liveStores ? `lst(${obj}, ${slot}, ${value});` : o.storeBarrier ? `gc.writeRef(${obj}, ${slot}, ${value});` : `mem[(${obj} >> 2) + 2 + 2 * ${slot}] = ${value};`,
  );
}

/** Code that writes a reference variable held at `array[index]` (JS expression `js`). */
export function refVarWrite(holes: Holes, v: { js: string; array?: string; index?: string }, value: string): string {
  return holes.add((o) => (o.rootBarrier ? `gc.writeRoot(${v.array}, ${v.index}, ${value});` : `${v.js} = ${value};`));
}

/** Code that ends the current frame (reference counting releases its roots first). */
export function popFrame(holes: Holes): string {
  return holes.add((o) => (o.rootBarrier ? "gc.releaseFrame(R, fp, sp); sp = fp;" : "sp = fp;"));
}

/** The prologue's copy of a reference argument into its root slot (reference counting retains it). */
export function refParam(holes: Holes, js: string, arg: string): string {
  return holes.add((o) => `${js} = ${arg};${o.rootBarrier ? ` gc.retainRoot(${arg});` : ""}`);
}

/** Under reference counting, a returned reference is held in a register until stored, then released. */
export function holdReturned(holes: Holes, register: number, value: string): string {
  return holes.add((o) => (o.rootBarrier ? ` gc.writeRoot(G, ${register}, ${value});` : ""));
}

/**
 * Under reference counting, `return x` of one of the frame's own reference
 * variables moves x's reference into the return register (gc.moveRoot), so
 * the count neither rises for the register nor falls when the frame is
 * released; any other returned value is held as holdReturned holds it.
 */
export function moveReturned(holes: Holes, register: number, frameVariable: { index?: string }): string {
  return holes.add((o) => (o.rootBarrier ? ` gc.moveRoot(G, ${register}, R, ${frameVariable.index});` : ""));
}

/** A call's returned reference stored into a reference variable: under reference counting it moves out of the register. */
export function storeReturned(holes: Holes, register: number, v: { js: string; array?: string; index?: string }, invoke: string): string {
  return holes.add((o) => (o.rootBarrier ? `${invoke}; gc.moveRoot(${v.array}, ${v.index}, G, ${register});` : `${v.js} = ${invoke};`));
}

/**
 * The mutator's operation counters in generated code: elements of one
 * Float64Array, in MutatorCounter order, not closure variables. A closure
 * variable that passes 2^31 no longer fits V8's small integers and is boxed
 * as a fresh heap number on every increment (binary-trees at N=21 executes
 * more statements than that), so time per operation grew with the run; an
 * element of a Float64Array is an unboxed double at any count.
 */
export const COUNTER = {
  ops: `counters[${MutatorCounter.statements}]`,
  nLoads: `counters[${MutatorCounter.loads}]`,
  nStores: `counters[${MutatorCounter.stores}]`,
  nCalls: `counters[${MutatorCounter.calls}]`,
  nPayload: `counters[${MutatorCounter.payloadAccesses}]`,
} as const;

/** Declares the counters and the reader the simulated clock calls. */
export const COUNTER_DECLARATION = `const counters = new Float64Array(${Object.keys(COUNTER).length});`;
export const READ_COUNTERS = "readCounters(out) { out.set(counters); }";
