/**
 * Turns compiled workload source into a runnable mutator bound to one
 * collector's heap and roots, and supplies the runtime the generated code
 * calls on its slow paths (errors with statement paths, sampling).
 */
import type { Collector } from "../collectors/collector.js";
import { WorkloadRuntimeError } from "../errors.js";
import type { Roots } from "../heap/heap.js";
import type { ObjectGraph } from "../graph/graph-file.js";
import { GraphRuntime } from "../graph/graph-runtime.js";
import { NSLOTS_MASK } from "../heap/object-model.js";
import type { CompiledProgram } from "./compile.js";
import type { LiveStoreLog } from "../metrics/peak-live.js";
import type { Rng } from "../util/rng.js";

/** What a workload may print in one run: enough for any report, far below what exhausts memory. */
export const MAX_OUTPUT_LINES = 100_000;
export const MAX_OUTPUT_CHARS = 16 << 20;

export class WorkloadRuntime {
  constructor(
    private readonly program: CompiledProgram,
    private readonly rng: Rng,
    private readonly mem: Int32Array,
  ) {}

  fail(reason: string, site: number): never {
    throw new WorkloadRuntimeError(reason, this.program.sites[site] ?? "?");
  }

  private name(n: number): string {
    return `"${this.program.names[n]}"`;
  }

  unset(site: number, name: number): never {
    return this.fail(`variable ${this.name(name)} read before it was set`, site);
  }

  badRef(value: number, site: number, name: number): never {
    return value === 0
      ? this.fail(`null dereference of ${this.name(name)}`, site)
      : this.unset(site, name);
  }

  badSlot(obj: number, slot: number, site: number): never {
    return this.fail(`field index ${slot} out of range (object at ${obj} has ${this.slots(obj)} reference slots)`, site);
  }

  badWord(obj: number, word: number, site: number): never {
    return this.fail(`payload word ${word} out of range for object at ${obj}`, site);
  }

  badSize(value: number, max: number, site: number): never {
    return this.fail(`object size ${value} is not an integer in 0..${max}`, site);
  }

  tooManyOps(site: number): never {
    return this.fail(`more than the operation limit of statements executed (raise it with --max-ops)`, site);
  }

  tooDeep(site: number): never {
    return this.fail(`recursion deeper than the limit (raise it with --max-depth)`, site);
  }

  assertFailed(site: number): never {
    return this.fail("assertion failed", site);
  }

  /** Where code linked with trackUses reports uses of objects. */
  uses: UseTracker | undefined;

  /** Where code linked with liveStores reports reference stores (the live-size probe's log). */
  liveStores: LiveStoreLog | undefined;

  /** The graph statements' runtime, when the workload has a graph. */
  graph: GraphRuntime | undefined;

  /** Lines the workload printed, in order. */
  readonly output: string[] = [];

  /** Characters printed so far, held to MAX_OUTPUT_CHARS. */
  private outputChars = 0;

  print(template: number, values: number[], site: number): void {
    const literals = this.program.templates[template];
    let line = literals[0];
    for (let i = 0; i < values.length; i++) line += String(values[i]) + literals[i + 1];
    this.outputChars += line.length + 1;
    if (this.output.length >= MAX_OUTPUT_LINES || this.outputChars > MAX_OUTPUT_CHARS) {
      this.fail(`printed more than the output limit of ${MAX_OUTPUT_LINES} lines or ${MAX_OUTPUT_CHARS} characters`, site);
    }
    this.output.push(line);
  }

  sample(distribution: number): number {
    const { cumulative, values } = this.program.distributions[distribution];
    const x = this.rng.below(cumulative[cumulative.length - 1]);
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (x < cumulative[mid]) hi = mid;
      else lo = mid + 1;
    }
    return values[lo];
  }

  private slots(obj: number): number {
    return this.mem[obj >> 2] & NSLOTS_MASK;
  }
}

/** Hears of every load, store, read or write through an object (drag: src/metrics/demographics.ts). */
export interface UseTracker {
  use(address: number): void;
}

/** The runnable mutator: its entry point, what it printed, and its operation counters. */
export interface Mutator {
  /** Runs the workload; returns the number of statements executed. */
  main: () => number;
  output: readonly string[];
  /** Copies the counters (MutatorCounter order) into `out`; the simulated clock reads them. */
  readCounters: (out: Float64Array) => void;
}

/**
 * Binds compiled workload code to a collector's heap and roots, wiring the
 * mutator's stack pointer into the roots (collectors read it to scan frames).
 */
export function instantiate(
  program: CompiledProgram,
  gc: Collector,
  roots: Roots,
  rng: Rng,
  graph?: ObjectGraph,
  uses?: UseTracker,
  liveStores?: LiveStoreLog,
): Mutator {
  const mem = gc.heap.mem;
  const rt = new WorkloadRuntime(program, rng, mem);
  // Code linked with trackUses reads it once, as `dm`.
  rt.uses = uses;
  // Code linked with liveStores reads it once, as `LS`.
  rt.liveStores = liveStores;
  if (graph && program.graphRoots) {
    rt.graph = new GraphRuntime(graph, gc, roots.globals, program.graphRoots, rng, program.maxOps, program.sites, liveStores);
  }
  const factory = new Function("gc", "mem", "R", "G", "rt", "rng", program.source) as (
    ...args: unknown[]
  ) => { main: () => number; stackTop: () => number; readCounters: (out: Float64Array) => void };
  const mutator = factory(gc, mem, roots.stack, roots.globals, rt, rng);
  roots.stackTop = mutator.stackTop;
  return { main: mutator.main, output: rt.output, readCounters: mutator.readCounters };
}
