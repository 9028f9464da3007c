/**
 * One run: a workload under a collector at a heap size and seed. Builds the
 * heap, roots and collector, compiles the workload against the collector's
 * constraints, runs it, and gathers a RunResult. Ending out of memory, or
 * with a workload or verification error, is an outcome recorded in the
 * result, not an exception: later commands (minimum-heap search, sweeps)
 * treat those outcomes as data.
 */
import { parseOptions } from "../collectors/options.js";
import { collectorEntry, type CollectorEntry } from "../collectors/registry.js";
import { OutOfMemoryError, VerificationError, WorkloadRuntimeError } from "../errors.js";
import { Heap, Roots } from "../heap/heap.js";
import { WORK_NAMES } from "../metrics/collection-log.js";
import type { RunError, RunResult } from "../report/result.js";
import { parseSize } from "../units.js";
import { measureLeaks } from "../verify/leaks.js";
import { HeapVerifier, traceGraph } from "../verify/verifier.js";
import { compileWorkload } from "../workload/compile.js";
import type { LoadedWorkload } from "../workload/load.js";
import { instantiate } from "../workload/program.js";
import { Rng } from "../workload/rng.js";
import { VERSION } from "../version.js";

export const DEFAULT_HEAP = "64MiB";
export const DEFAULT_MAX_OPS = 1e10;
export const DEFAULT_MAX_DEPTH = 10_000;

export interface RunOptions {
  /** A registered collector's name, or an entry for a collector defined outside the registry. */
  collector: string | CollectorEntry;
  /** Heap size in bytes; defaults to the workload's `heap`, then DEFAULT_HEAP. */
  heapBytes?: number;
  seed?: number;
  /** Collector options as given on the command line (`--opt key=value`). */
  collectorOptions?: Record<string, string>;
  verify?: boolean;
  params?: Record<string, number>;
  maxOps?: number;
  maxDepth?: number;
}

export function runWorkload(workload: LoadedWorkload, options: RunOptions): RunResult {
  const { doc } = workload;
  const entry = typeof options.collector === "string" ? collectorEntry(options.collector) : options.collector;
  const heapBytes = options.heapBytes ?? parseSize(doc.heap ?? DEFAULT_HEAP, "workload heap");
  const seed = options.seed ?? doc.seed ?? 1;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;

  const collectorName = typeof options.collector === "string" ? options.collector : "custom";
  const parsed = parseOptions(collectorName, entry.options, options.collectorOptions ?? {}, heapBytes);
  const heap = new Heap(heapBytes);
  const program = compileWorkload(doc, {
    storeBarrier: entry.constraints.storeBarrier,
    rootBarrier: entry.constraints.rootBarrier,
    params: options.params,
    maxOps: options.maxOps ?? DEFAULT_MAX_OPS,
    maxDepth,
  });
  const roots = new Roots(program.stackSlots, program.globalRefCount);
  const collector = entry.create(heap, roots, parsed.values);
  collector.describeSite = (site) => program.sites[site] ?? `site ${site}`;
  const verifier = options.verify ? new HeapVerifier(heap, roots) : undefined;
  collector.observer = verifier;
  const main = instantiate(program, collector, roots, new Rng(seed));

  let outcome: RunResult["outcome"] = "completed";
  let error: RunError | undefined;
  let statements = 0;
  const t0 = performance.now();
  try {
    statements = main();
    verifier?.afterRun(collector);
  } catch (e) {
    if (e instanceof OutOfMemoryError) {
      outcome = "out-of-memory";
      error = { kind: "out-of-memory", message: e.message, path: e.path };
    } else if (e instanceof WorkloadRuntimeError) {
      outcome = "error";
      error = { kind: "runtime", message: e.message, path: e.path };
    } else if (e instanceof VerificationError) {
      outcome = "error";
      error = { kind: "verification", message: e.message };
    } else if (e instanceof RangeError && /call stack/.test(e.message)) {
      outcome = "error";
      error = { kind: "runtime", message: `recursion too deep for the JavaScript stack (lower --max-depth): ${e.message}` };
    } else {
      throw e;
    }
  }
  const totalMs = performance.now() - t0;

  // Figures are taken before the end-of-run collection, which exists only to measure leaks.
  const live = traceGraph(heap, roots);
  const collections: RunResult["collections"] = { total: collector.log.length };
  for (let i = 0; i < collector.log.length; i++) {
    const kind = collector.log.kindOf(i);
    collections[kind] = (collections[kind] ?? 0) + 1;
  }
  const work = {} as RunResult["work"];
  for (const w of WORK_NAMES) work[w] = collector.work[w];
  const gcWallMs = collector.gcWallMs;
  const maxPauseWallMs = collector.maxPauseWallMs;
  const leaked = measureLeaksAtEnd();

  function measureLeaksAtEnd(): RunResult["leaked"] {
    if (error?.kind === "verification") return { objects: 0, bytes: 0, cycles: 0 };
    try {
      if (outcome === "completed") collector.collectGarbage("end-of-run");
    } catch (e) {
      if (!(e instanceof VerificationError)) throw e;
      outcome = "error";
      error = { kind: "verification", message: e.message };
    }
    return measureLeaks(heap, roots, collector.parseableRegions());
  }

  return {
    gcsim: VERSION,
    outcome,
    ...(error ? { error } : {}),
    workload: doc.name,
    file: workload.file,
    collector: collector.name,
    options: parsed.effective,
    heapBytes,
    seed,
    params: program.params,
    verified: verifier !== undefined,
    allocated: { objects: collector.allocatedObjects, bytes: collector.allocatedBytes },
    collections,
    work,
    memory: {
      peakLive: collector.peakLiveBytes,
      finalLive: live.bytes,
      finalLiveObjects: live.objects,
      finalGraphHash: live.hash,
      fragmentation: collector.peakFragmentation,
      ...collector.collectorFigures(),
    },
    leaked,
    mutator: { statements },
    wall: {
      totalMs,
      mutatorMs: totalMs - gcWallMs,
      gcMs: gcWallMs,
      pauses: { count: collections.total, totalMs: gcWallMs, maxMs: maxPauseWallMs },
      allocationsPerSecond: totalMs > 0 ? collector.allocatedObjects / (totalMs / 1000) : 0,
    },
  };
}
