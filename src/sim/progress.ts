/**
 * A heartbeat for long runs: after a collection, at most once per interval
 * of wall time, reports how far the run has got. It rides on the collection
 * observer, so it costs nothing between collections.
 */
import { MUTATOR_COUNTERS, MutatorCounter } from "../metrics/clock.js";
import type { CollectionObserver, Recorder } from "../metrics/recorder.js";

export interface RunProgress {
  statements: number;
  allocatedObjects: number;
  collections: number;
  /** Simulated time reached (ns). */
  simulatedNs: number;
  wallMs: number;
}

export function progressObserver(report: (p: RunProgress) => void, intervalMs = 2000): CollectionObserver {
  const start = performance.now();
  let last = start;
  const counts = new Float64Array(MUTATOR_COUNTERS);
  return {
    beforeCollection() {},
    afterCollection(_collector, recorder: Recorder, index: number) {
      const now = performance.now();
      if (now - last < intervalMs) return;
      last = now;
      recorder.clock.readMutatorCounters(counts);
      report({
        statements: counts[MutatorCounter.statements],
        allocatedObjects: recorder.allocatedObjects,
        collections: index,
        simulatedNs: recorder.mutatorNs() + recorder.gcNs,
        wallMs: now - start,
      });
    },
  };
}

/** Observers called in turn; undefined ones are left out. */
export function combineObservers(...observers: (CollectionObserver | undefined)[]): CollectionObserver | undefined {
  const present = observers.filter((o): o is CollectionObserver => o !== undefined);
  if (present.length <= 1) return present[0];
  return {
    beforeCollection: (c, r, i) => present.forEach((o) => o.beforeCollection(c, r, i)),
    afterCollection: (c, r, i, full) => present.forEach((o) => o.afterCollection(c, r, i, full)),
    cycleStarted: (c, r, cycle) => present.forEach((o) => o.cycleStarted?.(c, r, cycle)),
    markingStep: (c, r, cycle, step) => present.forEach((o) => o.markingStep?.(c, r, cycle, step)),
    cycleMarked: (c, r, cycle) => present.forEach((o) => o.cycleMarked?.(c, r, cycle)),
  };
}
