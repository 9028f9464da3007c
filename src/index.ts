/** gcsim as a library: everything the CLI uses, usable without it. */
export {
  BaseCollector,
  defineCollector,
  type Collector,
  type CollectorConstraints,
  type CollectorContext,
  type CollectorDefinition,
} from "./collectors/collector.js";
export { collectors, collectorNames, collectorEntry, type CollectorName } from "./collectors/registry.js";
export { loadCollector, isCollectorPath, definitionProblems } from "./collectors/user-collector.js";
// The built-in collectors: definitions to spread into a variant, classes to extend.
export { default as none, NoCollector } from "./collectors/none/index.js";
export { default as markSweep, MarkSweepCollector } from "./collectors/mark-sweep/index.js";
export { default as copying, CopyingCollector } from "./collectors/copying/index.js";
export { default as markCompact, MarkCompactCollector } from "./collectors/mark-compact/index.js";
export { default as rc, RefCountCollector } from "./collectors/rc/index.js";
export { default as generational, GenerationalCollector } from "./collectors/generational/index.js";
export { default as incrementalMarkSweep } from "./collectors/incremental-mark-sweep/index.js";
export { default as concurrentMarkSweep } from "./collectors/concurrent-mark-sweep/index.js";
export { MarkingCycleCollector, markingOptions, type MarkingPlanOptions } from "./collectors/incremental-mark-sweep/plan.js";
export { TimeSlices, AllocationPaced, CollectorThread, type MarkingSchedule, type Weights } from "./collectors/pacing/schedule.js";
export { SnapshotBarrier, IncrementalUpdateBarrier, MARKING_BARRIERS, type MarkingBarrier } from "./collectors/barriers/marking-barriers.js";
export { testCollector, type CheckResult, type ConformanceOptions } from "./conformance/suite.js";
export { parseOptions, choice, integer, heapShare, type OptionSpec, type OptionSpecs, type ParsedOptions } from "./collectors/options.js";
export { Marker } from "./collectors/trace/marker.js";
export { Compactor, type CompactionPlan } from "./collectors/trace/compactor.js";
export { FreeListSpace } from "./collectors/spaces/free-list-space.js";
export { BumpSpace } from "./collectors/spaces/bump-space.js";
export { CompactSpace } from "./collectors/spaces/compact-space.js";
export { SemiSpaces } from "./collectors/spaces/semispaces.js";
export { CopyNursery } from "./collectors/spaces/nursery.js";
export type { MatureSpace, YoungGeneration } from "./collectors/spaces/mature.js";
export type { RememberingBarrier, YoungCopier } from "./collectors/barriers/barrier.js";
export { ObjectRememberedSet } from "./collectors/barriers/object-remset.js";
export { CardTable } from "./collectors/barriers/card-table.js";
export * from "./errors.js";
export { Heap, Roots, UNSET, updateRoots, type Region } from "./heap/heap.js";
export { traceGraph, type GraphSummary } from "./heap/trace.js";
export * as objectModel from "./heap/object-model.js";
export { IntStack } from "./heap/int-stack.js";
export { IntMap } from "./heap/int-map.js";
export { BumpAllocator } from "./alloc/bump.js";
export { SegregatedFitAllocator } from "./alloc/segregated-fit.js";
export { CollectionLog, WorkCounters } from "./metrics/collection-log.js";
export { Recorder, type Collected, type CollectionObserver, type MarkingView } from "./metrics/recorder.js";
export {
  DemographicsTracker,
  type DemographicsResult,
  type SiteDemographics,
  type HistogramBucket,
  type Reclamation,
} from "./metrics/demographics.js";
export { CycleLog, type CycleRecord, type CycleOutcome } from "./metrics/cycle-log.js";
export { SimClock, workUnitNs } from "./metrics/clock.js";
export { DEFAULT_COSTS, loadCostModel, type CostModel } from "./metrics/cost-model.js";
export { summarisePauses, minimumMutatorUtilisation, nearestRank } from "./metrics/stats.js";
export { HeapVerifier } from "./verify/verifier.js";
export { measureLeaks } from "./verify/leaks.js";
export { compileWorkload, type CompiledProgram, type CompileOptions } from "./workload/compile.js";
export {
  loadWorkload,
  importWorkload,
  isScriptWorkload,
  readWorkloadFile,
  resolveWorkloadFile,
  shippedWorkloads,
  schemaErrors,
  type LoadedWorkload,
} from "./workload/load.js";
export { bindWorkload, type BoundWorkload } from "./workload/bind.js";
// Workloads in TypeScript: what a workload file imports from "gcsim".
export {
  defineWorkload,
  type WorkloadDefinition,
  type Mutator,
  type Handle,
  type LoadedHandle,
  type ParamSpec,
  type TypeSpec,
  type FieldOf,
  type RAW,
} from "./workload/script/define.js";
export type { WorkloadDoc } from "./workload/types.js";
export { Rng } from "./util/rng.js";
export { runWorkload, runWorkloadWithTimeline, runHeapBytes, type RunOptions, type RunOutput } from "./sim/run.js";
export { timelineRows, collectionStream } from "./sim/timeline.js";
export { resolveCollectorSpec, collectorLabel, parseCollectorList, collectorRuns, type CollectorSpec, type CollectorRun } from "./sim/collector-spec.js";
export type { RunProgress } from "./sim/progress.js";
export { findMinHeap, type MinHeapResult } from "./sim/minheap.js";
export { runAll, findMinHeaps } from "./sim/pool.js";
export { readHeapSnapshot } from "./graph/heapsnapshot.js";
export { importHeapSnapshot } from "./workload/from-heapsnapshot.js";
export { inspectGraph } from "./graph/inspect.js";
export { readGraphFile, writeGraphFile, type ObjectGraph } from "./graph/graph-file.js";
export { reporters, formats, type Format } from "./report/index.js";
export { renderTraceEvents, phasesOf, type Phase } from "./report/trace-events.js";
export { renderGcLog, gcLogWriter, GC_LOG_FORMATS, type GcLogFormat, type GcLogRun, type GcLogWriter } from "./report/gc-log.js";
export { renderHtmlReport } from "./report/html.js";
export { summaryLines, SUMMARY_MMU_WINDOW } from "./report/summary.js";
export { withOverheadVsNone, overheadVsNone } from "./report/overhead.js";
export { checkAgainstBaseline } from "./report/check.js";
export {
  exitCodeFor,
  labelOf,
  COLLECTION_KINDS,
  IS_COLLECTION,
  COLLECTOR_FIGURES,
  MMU_WINDOWS_MS,
  type RunResult,
  type RunError,
  type Outcome,
  type PauseStats,
  type TimelineRow,
} from "./report/result.js";
export { parseSize, parseHeapSize, MAX_HEAP } from "./units.js";
export { formatBytes, formatNs } from "./report/format.js";
