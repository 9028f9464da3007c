import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CONFIGURATIONS, run } from "./helpers.js";
import { randomWorkload } from "../src/conformance/random-workloads.js";

/**
 * Differential, verified property tests: each random workload runs under the
 * no-GC baseline in a large heap and under every reclaiming collector in a
 * small heap (forcing many collections) with the verifier on. A collector must
 * either complete with exactly the baseline's allocation and final reachable
 * graph, or run out of memory; it must never corrupt the heap.
 */
describe("random workloads under the verifier", () => {
  it.each(CONFIGURATIONS)("$label keeps the heap intact and agrees with the no-GC baseline", ({ collector, options }) => {
    let collections = 0;
    let completed = 0;
    fc.assert(
      fc.property(randomWorkload, fc.integer({ min: 256, max: 4096 }), fc.integer({ min: 1, max: 1000 }), (doc, granules, seed) => {
        const baseline = run(doc, { collector: "none", heapBytes: 64 << 20, seed, verify: false });
        expect(baseline.outcome).toBe("completed");
        // Incremental and concurrent collectors have the tri-colour invariant checked after every marking step.
        const r = run(doc, { collector, collectorOptions: options, heapBytes: granules * 8, seed, verifyEveryMarkingStep: true });
        expect(r.error?.kind).not.toBe("verification");
        expect(r.error?.kind).not.toBe("runtime");
        collections += r.collections.total;
        if (r.outcome === "completed") {
          completed++;
          expect(r.allocated).toEqual(baseline.allocated);
          expect(r.memory.finalGraphHash).toBe(baseline.memory.finalGraphHash);
          expect(r.memory.finalLiveObjects).toBe(baseline.memory.finalLiveObjects);
        } else {
          expect(r.outcome).toBe("out-of-memory");
        }
      }),
      { numRuns: 300, seed: 20261122 },
    );
    // The sizes must actually exercise the collector: many collections, mostly completed runs
    // (plain reference counting leaks cycles, so it runs out of memory more often).
    expect(collections).toBeGreaterThan(1000);
    expect(completed).toBeGreaterThan(options.cycles === "off" ? 50 : 150);
  });
});
