import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { RunResult } from "../src/report/result.js";
import { COLLECTIONS_PROPER } from "../src/report/result.js";
import { runWorkload } from "../src/sim/run.js";
import { loadWorkload } from "../src/workload/load.js";
import type { WorkloadDoc } from "../src/workload/types.js";
import { run } from "./helpers.js";

/**
 * incremental-mark-sweep and concurrent-mark-sweep as whole collectors: the
 * time model (collector-thread work is nobody's mutator time), cycles as
 * distinct from pauses, floating garbage, exhaustion, an explicit collection
 * mid-cycle, determinism, and the barrier the fixture workload needs.
 */

const linkedList = loadWorkload("workloads/linked-list.json");
const LIST = { rounds: 10, grow: 8000 };
const runList = (collector: string, collectorOptions: Record<string, string> = {}, heapBytes = 1 << 20) =>
  runWorkload(linkedList, { collector, collectorOptions, params: LIST, heapBytes, verify: true });

const collectionPauses = (r: RunResult) => COLLECTIONS_PROPER.reduce((n, k) => n + r.collections[k], 0);

describe("the time model of concurrent marking", () => {
  const concurrent = runList("concurrent-mark-sweep");
  const incremental = runList("incremental-mark-sweep", { pacing: "allocation" });
  const markSweep = runList("mark-sweep");

  it("keeps elapsed time = mutator + pauses, and puts the collector thread's work beside it", () => {
    for (const r of [concurrent, incremental, markSweep]) {
      expect(r.outcome).toBe("completed");
      expect(r.time.total).toBe(r.time.mutator + r.time.gc);
      expect(r.time.collectorCpu).toBe(r.time.gc + r.time.concurrent);
    }
    expect(concurrent.time.concurrent).toBeGreaterThan(0);
    expect(incremental.time.concurrent).toBe(0);
    expect(markSweep.time.concurrent).toBe(0);
    // Every reference store runs the barrier's phase check (1 ns each); linked-list stores one reference per cell.
    expect(concurrent.work.barrierExecutions).toBe(LIST.rounds * LIST.grow);
    expect(concurrent.time.barriers).toBe(concurrent.work.barrierExecutions * 1 + concurrent.work.barrierShades * 5);
  });

  it("counts cycles apart from pauses: a stop-the-world collection is a one-pause cycle", () => {
    expect(markSweep.cycles.count).toBe(collectionPauses(markSweep));
    expect(markSweep.cycles.pausesPerCycle).toBe(1);
    expect(markSweep.cycles.floating).toEqual({ objects: 0, bytes: 0, maxBytes: 0, meanBytes: 0 });
    expect(markSweep.cycles.concurrentShare).toBe(0);
    for (const r of [concurrent, incremental]) {
      const c = r.cycles;
      expect(c.count).toBe(c.completed + c.degenerated + c.abandoned + c.unfinished);
      // One initial mark per cycle that started incrementally; each ended one ends in a remark or a degenerated finish.
      expect(r.collections["initial-mark"]).toBe(c.completed + c.degenerated + c.abandoned + c.unfinished - r.collections.full);
      expect(r.collections.remark + r.collections.degenerated).toBe(c.completed + c.degenerated - r.collections.full);
      expect(c.pausesPerCycle).toBeGreaterThan(1);
    }
    expect(concurrent.cycles.concurrentShare).toBeGreaterThan(0.5);
    expect(incremental.collections.increment).toBeGreaterThan(0);
  });

  it("leaves floating garbage under a snapshot barrier: objects allocated black that die before the remark", () => {
    expect(concurrent.cycles.floating.objects).toBeGreaterThan(0);
    expect(concurrent.cycles.floating.bytes % 24).toBe(0); // linked-list's cells are 24 bytes
    expect(concurrent.cycles.floating.maxBytes).toBeGreaterThan(0);
    expect(concurrent.cycles.allocatedDuring.maxBytes).toBeGreaterThan(0);
  });

  it("gives a slower collector thread a longer cycle: more is allocated while it marks", () => {
    const slow = runList("concurrent-mark-sweep", { cpu: "0.1", assists: "off" });
    const fast = runList("concurrent-mark-sweep", { cpu: "1", assists: "off" });
    expect(slow.cycles.allocatedDuring.meanBytes!).toBeGreaterThan(fast.cycles.allocatedDuring.meanBytes!);
  });

  it("is deterministic: a rerun gives the same result, wall clock aside", () => {
    const again = runList("concurrent-mark-sweep");
    expect({ ...again, wall: null }).toEqual({ ...concurrent, wall: null });
  });
});

describe("exhaustion and explicit collections", () => {
  it("finishes a cycle the heap cannot wait for stop-the-world (degenerated), or ends out of memory with on-exhaustion=oom", () => {
    // At 1 MiB linked-list fills the free space faster than a 500 µs quantum every 2 ms can mark.
    const tight = { period: "2ms", quantum: "500us" };
    const stw = runList("incremental-mark-sweep", tight);
    expect(stw.outcome).toBe("completed");
    expect(stw.cycles.degenerated).toBeGreaterThan(0);
    expect(stw.collections.degenerated).toBe(stw.cycles.degenerated);
    const oom = runList("incremental-mark-sweep", { ...tight, "on-exhaustion": "oom" });
    expect(oom.outcome).toBe("out-of-memory");
  });

  it("abandons a cycle at a collect statement for a complete collection, and leaks nothing", () => {
    const doc: WorkloadDoc = {
      name: "collect-mid-cycle",
      types: { Cell: { refs: ["next"], bytes: 8 } },
      globals: ["keep:ref"],
      main: {
        locals: ["c:ref", "g:ref"],
        body: [
          { assign: "keep", value: null },
          { repeat: 5000, do: [{ alloc: "Cell", to: "c", init: { next: "keep" } }, { assign: "keep", value: "c" }] },
          { repeat: 6, do: [{ repeat: 20000, do: [{ alloc: "Cell", to: "g" }] }, { collect: true }] },
        ],
      },
    } as unknown as WorkloadDoc;
    const r = run(doc, { collector: "concurrent-mark-sweep", collectorOptions: { cpu: "0.01", assists: "off" }, heapBytes: 1 << 20 });
    expect(r.outcome).toBe("completed");
    expect(r.cycles.abandoned).toBeGreaterThan(0);
    expect(r.leaked.objects).toBe(0);
  });

  it("refuses white allocation under a snapshot barrier, saying why", () => {
    expect(() => runList("concurrent-mark-sweep", { barrier: "satb", alloc: "white" })).toThrow(/alloc=white needs --opt barrier=iu: under a snapshot barrier/);
  });
});

describe("the barrier is what keeps marking correct", () => {
  function gcsim(...args: string[]) {
    const r = spawnSync(process.execPath, ["bin/gcsim.js", ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  const fixture = ["run", "tests/fixtures/hidden-object.json", "--param", "rounds=1500", "--verify"];

  it.each(["concurrent-mark-sweep", "concurrent-mark-sweep:barrier=iu:alloc=white", "incremental-mark-sweep:pacing=allocation"])(
    "%s passes the verifier on the workload that needs a barrier",
    (collector) => {
      const r = gcsim(...fixture, "-c", collector);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
    },
  );

  it("the barrierless example is caught: exit 4, one line naming the broken invariant", () => {
    const r = gcsim(...fixture, "-c", "examples/collectors/barrierless-concurrent-mark-sweep.ts");
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^gcsim: .*heap verification failed after collection \d+: .*(tri-colour invariant|reachable object unmarked)/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
