/** gcsim as a library: everything the CLI uses, usable without it. */
export { Collector, updateRoots, type CollectorConstraints, type CollectionObserver, type Region } from "./collectors/collector.js";
export { collectors, collectorNames, collectorEntry, type CollectorName } from "./collectors/registry.js";
export * from "./errors.js";
export { Heap, Roots, UNSET } from "./heap/heap.js";
export * as objectModel from "./heap/object-model.js";
export { BumpAllocator } from "./alloc/bump.js";
export { SegregatedFitAllocator } from "./alloc/segregated-fit.js";
export { CollectionLog, WorkCounters } from "./metrics/collection-log.js";
export { HeapVerifier, traceGraph, type GraphSummary } from "./verify/verifier.js";
export { compileWorkload, type CompiledProgram, type CompileOptions } from "./workload/compile.js";
export { loadWorkload, readWorkloadFile, schemaErrors, type LoadedWorkload } from "./workload/load.js";
export type { WorkloadDoc } from "./workload/types.js";
export { Rng } from "./workload/rng.js";
export { runWorkload, type RunOptions } from "./sim/run.js";
export { reporters, formats, type Format } from "./report/index.js";
export { exitCodeFor, type RunResult, type Outcome } from "./report/result.js";
export { parseSize } from "./units.js";
export { formatBytes, formatNs } from "./report/format.js";
