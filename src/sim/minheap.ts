/**
 * Minimum heap search, as DaCapo, MMTk and the running-ng harness do it:
 * bisection on the heap size between a size where the run fails out of
 * memory and one where it completes, until the bracket is narrower than the
 * resolution (1% of the heap or one 8-byte granule, whichever is larger, by
 * default). It relies on the out-of-memory outcome, never on a crash; a run
 * that fails any other way stops the search with that error.
 */
import { InputError } from "../errors.js";
import { MAX_HEAP_BYTES } from "../heap/heap.js";
import type { LoadedWorkload } from "../workload/load.js";
import { runWorkload, type RunOptions } from "./run.js";

export interface MinHeapResult {
  workload: string;
  collector: string;
  options: Record<string, string>;
  params: Record<string, number>;
  seed: number;
  /** Smallest heap verified to complete. */
  minHeapBytes: number;
  /** Largest heap verified to run out of memory (0 if even 8 bytes was never tried). */
  failedHeapBytes: number;
  /** Relative resolution the bracket was narrowed to. */
  resolution: number;
  probes: number;
}

const granule = (bytes: number) => Math.max(8, Math.floor(bytes / 8) * 8);

export function findMinHeap(workload: LoadedWorkload, options: RunOptions, resolution = 0.01): MinHeapResult {
  let probes = 0;
  let last: ReturnType<typeof runWorkload> | undefined;
  const completes = (heapBytes: number): boolean => {
    probes++;
    // Only the outcome matters here: no live-size probe, whose traces would slow every step of the search.
    const r = runWorkload(workload, { ...options, heapBytes, peakLivePrecision: null });
    if (r.outcome === "error") {
      throw new InputError(`the run failed at heap ${heapBytes} for another reason than memory: ${r.error?.message}`);
    }
    if (r.outcome === "completed") last = r;
    return r.outcome === "completed";
  };

  // Find a heap that completes, doubling from a small start.
  let hi = granule(64 * 1024);
  let lo = 0;
  while (!completes(hi)) {
    lo = hi;
    if (hi >= MAX_HEAP_BYTES) {
      throw new InputError(`${workload.doc.name} does not complete under ${options.collector} even in the largest heap (${MAX_HEAP_BYTES} bytes)`);
    }
    hi = granule(Math.min(hi * 2, MAX_HEAP_BYTES));
  }
  // If the first guess completed, halve until one fails.
  if (lo === 0) {
    while (hi > 8) {
      const half = granule(hi / 2);
      if (completes(half)) hi = half;
      else {
        lo = half;
        break;
      }
      if (half === 8) break;
    }
  }
  while (hi - lo > Math.max(8, Math.ceil(hi * resolution))) {
    const mid = granule((lo + hi) / 2);
    if (mid <= lo || mid >= hi) break;
    if (completes(mid)) hi = mid;
    else lo = mid;
  }
  if (!last) throw new Error("internal: no completed run recorded");
  return {
    workload: workload.doc.name,
    collector: last.collector,
    options: last.options,
    params: last.params,
    seed: last.seed,
    minHeapBytes: hi,
    failedHeapBytes: lo,
    resolution,
    probes,
  };
}
