import { describe, expect, it } from "vitest";
import type { Recorder } from "../src/metrics/recorder.js";
import { combineObservers, progressObserver, type RunProgress } from "../src/sim/progress.js";

/** A recorder as far as the heartbeat reads it: counters, simulated time, the clock's mutator counters. */
function fakeRecorder(step: number) {
  return {
    allocatedObjects: 1000 * step,
    gcNs: 10 * step,
    mutatorNs: () => 100 * step,
    clock: { readMutatorCounters: (out: Float64Array) => out.fill(7 * step) },
  } as unknown as Recorder;
}

describe("the heartbeat of a long run", () => {
  it("reports after a collection how far the run got: statements, allocations, collections, simulated time", () => {
    const seen: RunProgress[] = [];
    const observer = progressObserver((p) => seen.push(p), 0);
    for (let i = 1; i <= 3; i++) observer.afterCollection({} as never, fakeRecorder(i), i, false);
    expect(seen.map((p) => [p.statements, p.allocatedObjects, p.collections, p.simulatedNs])).toEqual([
      [7, 1000, 1, 110],
      [14, 2000, 2, 220],
      [21, 3000, 3, 330],
    ]);
  });

  it("reports at most once per interval, and the verifier still sees every collection", () => {
    const seen: RunProgress[] = [];
    let verified = 0;
    const verifier = { beforeCollection: () => {}, afterCollection: () => void verified++ };
    const observer = combineObservers(verifier, progressObserver((p) => seen.push(p), 60_000))!;
    for (let i = 1; i <= 100; i++) observer.afterCollection({} as never, fakeRecorder(i), i, true);
    expect(seen).toHaveLength(0);
    expect(verified).toBe(100);
  });
});
