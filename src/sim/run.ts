/**
 * One run: a workload under a collector at a heap size and seed. Builds the
 * heap, roots and collector, links the compiled workload to the collector's
 * constraints, runs it, and gathers a RunResult. Ending out of memory, or
 * with a workload or verification error, is an outcome recorded in the
 * result, not an exception: later commands (minimum-heap search, sweeps)
 * treat those outcomes as data.
 */
import type { Collector, CollectorConstraints, CollectorDefinition } from "../collectors/collector.js";
import { parseOptions } from "../collectors/options.js";
import { collectors, isCollectorName } from "../collectors/registry.js";
import { OutOfMemoryError, VerificationError, WorkloadRuntimeError } from "../errors.js";
import { Heap, Roots } from "../heap/heap.js";
import { traceGraph } from "../heap/trace.js";
import { MUTATOR_COUNTERS, MutatorCounter, SimClock, workUnitNs } from "../metrics/clock.js";
import { DEFAULT_COSTS, type CostModel } from "../metrics/cost-model.js";
import type { RunError, RunResult, TimelineRow } from "../report/result.js";
import { collectionStream, timelineRows } from "./timeline.js";
import { checkHeapBytes, parseSize } from "../units.js";
import { measureLeaks } from "../verify/leaks.js";
import { WorkCounters } from "../metrics/collection-log.js";
import { Recorder } from "../metrics/recorder.js";
import { DEFAULT_PEAK_LIVE_PRECISION, IncrementalLiveTracer, PeakLiveProbe } from "../metrics/peak-live.js";
import { DemographicsTracker, type Reclamation } from "../metrics/demographics.js";
import { DemographicsTap } from "./demographics-tap.js";
import { HeapVerifier } from "../verify/verifier.js";
import { bindWorkload } from "../workload/bind.js";
import type { LoadedWorkload } from "../workload/load.js";
import { Rng } from "../util/rng.js";
import { VERSION } from "../version.js";
import { fileURLToPath } from "node:url";
import { builtInCollector, collectorLabel } from "./collector-spec.js";
import { shapeFigures, type RawFigures } from "./measure.js";
import { combineObservers, progressObserver, type RunProgress } from "./progress.js";

export const DEFAULT_HEAP = "64MiB";
export const DEFAULT_MAX_OPS = 1e9;
export const DEFAULT_MAX_DEPTH = 10_000;

export interface RunOptions {
  /**
   * A built-in collector's spec (its name, optionally with options: "rc:cycles=off"),
   * or a collector's definition (a user's, from loadCollector).
   */
  collector: string | CollectorDefinition;
  /** The run's label in tables and reports; defaults to the collector and the options set (`collectorLabel`). */
  label?: string;
  /** Heap size in bytes; defaults to the workload's `heap`, then DEFAULT_HEAP. */
  heapBytes?: number;
  seed?: number;
  /** Record the timeline (one row per pause) in the result, for reports. */
  timeline?: boolean;
  /** Simulated nanoseconds per primitive; defaults to DEFAULT_COSTS. */
  costModel?: CostModel;
  /** Collector options as given on the command line (`--opt key=value`). */
  collectorOptions?: Record<string, string>;
  verify?: boolean;
  /** With verify: check the tri-colour invariant after every marking step of an incremental or concurrent cycle, not a sample (property tests). */
  verifyEveryMarkingStep?: boolean;
  params?: Record<string, number>;
  maxOps?: number;
  maxDepth?: number;
  /**
   * Relative precision of memory.peakLive (DEFAULT_PEAK_LIVE_PRECISION), or
   * null for no live-size probe (peakLive not measured). See src/metrics/peak-live.ts.
   */
  peakLivePrecision?: number | null;
  /** Called after a collection at most every two seconds of wall time, with how far the run has got. */
  onProgress?: (p: RunProgress) => void;
  /** Called after every pause of the run proper (not the end-of-run collection) with its timeline row: live GC logs. */
  onCollection?: (row: TimelineRow) => void;
  /** Track object demographics and drag (src/metrics/demographics.ts) and put them in the result. */
  demographics?: boolean;
  /** Bytes allocated between demographic censuses (the precision of death times); default: auto. */
  demographicsInterval?: number;
}

/** How a collector of these constraints reclaims a dead object, for drag (src/metrics/demographics.ts). */
export function reclamationOf(constraints: CollectorConstraints): Reclamation {
  if (constraints.reclaims === "nothing") return "never";
  // Only reference counting needs to see root writes; it frees an object when its count drops to zero.
  return constraints.rootBarrier ? "at-death" : "at-collection";
}

/** The heap a run uses: the one given (--heap), else the workload's, else DEFAULT_HEAP. */
export function runHeapBytes(workload: LoadedWorkload, heapBytes: number | undefined): number {
  return checkHeapBytes(heapBytes ?? parseSize(workload.doc.heap ?? DEFAULT_HEAP, "workload heap"), heapBytes === undefined ? "workload heap" : "--heap");
}

export function runWorkload(workload: LoadedWorkload, options: RunOptions): RunResult {
  return runWorkloadWithTimeline(workload, options).result;
}

/** A run's result, its timeline on demand, and what only the conformance checks need. */
export interface RunOutput {
  result: RunResult;
  timeline: () => TimelineRow[];
  /** Leaked objects on a garbage cycle or reachable from one (see measureLeaks). */
  leakedFromCycles: number;
  /** The constraints of the collector as built with its options (rc with cycles=off does not reclaim cycles). */
  constraints: CollectorConstraints;
}

export function runWorkloadWithTimeline(
  workload: LoadedWorkload,
  options: RunOptions,
): RunOutput {
  const { doc } = workload;
  // A built-in named by a spec ("generational:barrier=cards") runs with the spec's options over collectorOptions.
  const spec = typeof options.collector === "string" ? builtInCollector(options.collector) : undefined;
  const entry = spec ? spec.definition : (options.collector as CollectorDefinition);
  const collectorOptions = { ...options.collectorOptions, ...spec?.options };
  const heapBytes = runHeapBytes(workload, options.heapBytes);
  const seed = options.seed ?? doc.seed ?? 1;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const costs = options.costModel ?? { ...DEFAULT_COSTS };

  // A user's collector that throws is a finding about that collector, not a bug in gcsim.
  const userCollector = !isCollectorName(entry.name) || collectors[entry.name] !== entry;
  const parsed = parseOptions(entry.name, entry.options, collectorOptions, heapBytes);
  // The heap's page tracker counts first touches into the recorder's work counters.
  const work = new WorkCounters();
  const heap = new Heap(heapBytes, costs.pageBytes, work);
  const precision = options.peakLivePrecision === undefined ? DEFAULT_PEAK_LIVE_PRECISION : options.peakLivePrecision;
  const program = bindWorkload(workload, options.params, {
    storeBarrier: entry.constraints.storeBarrier,
    rootBarrier: entry.constraints.rootBarrier,
    maxOps: options.maxOps ?? DEFAULT_MAX_OPS,
    maxDepth,
    trackUses: options.demographics === true,
    liveStores: precision !== null,
  });
  const roots = new Roots(program.stackSlots, program.globalRefCount);
  const verifier = options.verify ? new HeapVerifier(heap, roots, options.verifyEveryMarkingStep) : undefined;
  // The clock reads the mutator's counters, and the mutator is bound to the collector: close the loop here.
  let readMutatorCounters = (_out: Float64Array): void => {};
  const stream = options.onCollection && collectionStream(options.onCollection);
  const tracker = options.demographics
    ? new DemographicsTracker(heap, roots, () => recorder, entry.constraints.moving, reclamationOf(entry.constraints), program.describeSite, options.demographicsInterval)
    : undefined;
  // The verifier first: a collector that corrupts the heap is reported as such before the tracker walks it.
  const observer = combineObservers(verifier, tracker, options.onProgress && progressObserver(options.onProgress), stream);
  // The probe's tracer doubles as the mutator's store log, which lets its traces be incremental.
  let liveTracer: IncrementalLiveTracer | undefined;
  let liveProbe: PeakLiveProbe | undefined;
  if (precision !== null) {
    liveTracer = new IncrementalLiveTracer(heap, roots, entry.constraints.moving, options.verify === true);
    liveProbe = new PeakLiveProbe(liveTracer, precision);
  }
  const recorder = new Recorder(new SimClock(costs, (out) => readMutatorCounters(out)), observer, work, liveProbe);
  const collector = entry.create(
    { heap, roots, recorder, describeSite: program.describeSite },
    parsed.values as never,
  );
  // With demographics the mutator allocates through a tap that reports each birth, and reports its uses.
  const { main, output, readCounters } = program.instantiate(tracker ? new DemographicsTap(collector, tracker) : collector, roots, new Rng(seed), tracker, liveTracer);
  liveTracer?.reportsStores();
  readMutatorCounters = readCounters;

  let outcome: RunResult["outcome"] = "completed";
  let error: RunError | undefined;
  const t0 = performance.now();
  try {
    main();
    verifier?.afterRun(collector, recorder);
  } catch (e) {
    error = runError(e, userCollector);
    outcome = error.kind === "out-of-memory" ? "out-of-memory" : "error";
  }
  const totalMs = performance.now() - t0;

  // Figures are taken before the end-of-run collection, which exists only to measure leaks.
  const raw = measure(collector, heap, roots, outcome === "completed");
  const demographics = tracker?.finish();
  stream?.close();
  let leaked: RunResult["leaked"] = { objects: null, bytes: null, cycles: null };
  let leakedFromCycles = 0;
  if (outcome === "completed") {
    try {
      collector.collectGarbage("end-of-run");
      const leaks = measureLeaks(heap, roots, collector.parseableRegions(), raw.live.objects);
      leaked = { objects: leaks.objects, bytes: leaks.bytes, cycles: leaks.cycles };
      leakedFromCycles = leaks.fromCycles;
    } catch (e) {
      // The end-of-run collection itself can fail: out of memory when the live data no longer
      // fits the space a full collection needs (e.g. a generational mature space), or verification.
      error = runError(e, userCollector);
      outcome = error.kind === "out-of-memory" ? "out-of-memory" : "error";
    }
  }
  const endOfRunMs = performance.now() - t0 - totalMs;
  const completed = outcome === "completed";
  const figures = shapeFigures(raw, completed);
  const pausesInRun = raw.pauseKinds.length;

  const result: RunResult = {
    gcsim: VERSION,
    outcome,
    error: error ?? null,
    workload: doc.name,
    file: workload.file,
    collector: entry.name,
    label: options.label ?? collectorLabel(entry.name, collectorOptions),
    options: parsed.effective,
    heapBytes,
    seed,
    params: program.params,
    costModel: costs,
    verified: verifier !== undefined,
    ...figures,
    leaked,
    output: [...output],
    sweep: null,
    wall: {
      totalMs,
      mutatorMs: totalMs - recorder.gcWallMs,
      gcMs: recorder.gcWallMs,
      pauses: { count: pausesInRun, totalMs: recorder.gcWallMs, maxMs: recorder.maxPauseWallMs },
      allocationsPerSecond: completed ? (totalMs > 0 ? raw.allocatedObjects / (totalMs / 1000) : 0) : null,
      liveProbeMs: liveProbe ? liveProbe.wallMs : null,
      endOfRunMs,
    },
  };
  const timeline = () => timelineRows(collector.recorder.log, pausesInRun);
  if (options.timeline) result.timeline = timeline();
  if (demographics) result.demographics = demographics;
  return { result, timeline, leakedFromCycles, constraints: collector.constraints };
}

/** gcsim's own compiled and source folders: stack frames there are not the user's. */
const OWN_CODE = ["../../dist/", "../../src/"].map((folder) => fileURLToPath(new URL(folder, import.meta.url)));

/**
 * Turns what a run threw into its recorded error. Anything unexpected is a
 * bug and propagates - unless a user's collector threw it, which is recorded
 * with the place in the user's file.
 */
function runError(e: unknown, userCollector: boolean): RunError {
  if (e instanceof OutOfMemoryError) return { kind: "out-of-memory", message: e.message, path: e.path };
  if (e instanceof WorkloadRuntimeError) return { kind: "runtime", message: e.message, path: e.path };
  if (e instanceof VerificationError) return { kind: "verification", message: e.message };
  if (e instanceof RangeError && /call stack/.test(e.message)) {
    return { kind: "runtime", message: `recursion too deep for the JavaScript stack (lower --max-depth): ${e.message}` };
  }
  if (userCollector && e instanceof Error) {
    const frame = e.stack?.split("\n").find((line) => /^\s+at /.test(line) && !OWN_CODE.some((folder) => line.includes(folder)) && !line.includes("node_modules"));
    return { kind: "runtime", message: `the collector threw ${e.name}: ${e.message}${frame ? ` (${frame.trim()})` : ""}` };
  }
  throw e;
}

/** Every deterministic figure of the run so far, as plain numbers from the recorder and the collector. */
function measure(collector: Collector, heap: Heap, roots: Roots, completed: boolean): RawFigures {
  const recorder = collector.recorder;
  const live = traceGraph(heap, roots);
  // The live size at the end is exact too, when the run ended between statements (not stopped inside an allocation).
  recorder.liveProbe?.finish(recorder.allocatedBytes, completed ? live.bytes : undefined);
  const probe = recorder.liveProbe;
  const log = recorder.log;
  const counts = new Float64Array(MUTATOR_COUNTERS);
  recorder.clock.readMutatorCounters(counts);
  return {
    pauseKinds: Array.from({ length: log.length }, (_, i) => log.kindOf(i)),
    pauseStartNs: log.column("startNs"),
    pauseNs: log.column("pauseNs"),
    mutatorNs: recorder.mutatorNs(),
    gcNs: recorder.gcNs,
    allocatedObjects: recorder.allocatedObjects,
    allocatedBytes: recorder.allocatedBytes,
    work: { ...recorder.work },
    peakLive: probe ? { peak: probe.peak, upperBound: probe.upperBound, probes: probe.probes } : null,
    peakFootprint: Math.max(recorder.peakFootprint, collector.footprint()),
    // Sampled once more where the run stopped, so a run without a full collection has a figure too.
    peakFragmentation: Math.max(recorder.peakFragmentation, collector.fragmentation()),
    live,
    collectorFigures: collector.collectorFigures(),
    mutator: {
      statements: counts[MutatorCounter.statements],
      loads: counts[MutatorCounter.loads],
      stores: counts[MutatorCounter.stores],
      calls: counts[MutatorCounter.calls],
      payloadAccesses: counts[MutatorCounter.payloadAccesses],
    },
    concurrentNs: recorder.concurrentNs,
    barrierNs:
      recorder.work.barrierExecutions * workUnitNs("barrierExecutions", recorder.clock.costs) +
      recorder.work.barrierShades * workUnitNs("barrierShades", recorder.clock.costs),
    pauseCycles: log.column("cycle"),
    // A copy: the end-of-run collection may still close (abandon) the open cycle, after these figures are taken.
    cycles: [...recorder.cycles.records],
    cycleOpen: recorder.cycle >= 0,
  };
}
