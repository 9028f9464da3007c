import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { collectorNames } from "../src/collectors/registry.js";
import { renderCsv } from "../src/report/csv.js";
import { COLLECTION_KINDS, MMU_WINDOWS_MS, exitCodeFor, type RunResult } from "../src/report/result.js";
import { runWorkload } from "../src/sim/run.js";
import { loadWorkload } from "../src/workload/load.js";

/**
 * The result contract: every collector (and every variant the README uses),
 * on workloads that complete, run out of memory, stop with a runtime error
 * and finish before the smallest MMU window, gives results that the
 * published schema accepts, with one and the same set of keys.
 */
const schema = JSON.parse(readFileSync("schema/result.schema.json", "utf8"));
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

const README_VARIANTS = ["generational:barrier=cards", "generational:mature=mark-compact", "rc:cycles=off"];
const SPECS = [...collectorNames, ...README_VARIANTS];

const SMALL_GCBENCH = { kStretchTreeDepth: 10, kLongLivedTreeDepth: 8, kArraySize: 4000, kMinTreeDepth: 4, kMaxTreeDepth: 8 };
const TINY_GCBENCH = { kStretchTreeDepth: 8, kLongLivedTreeDepth: 6, kArraySize: 4000, kMinTreeDepth: 4, kMaxTreeDepth: 6 };
const CASES: { name: string; file: string; params: Record<string, number>; heapBytes?: number }[] = [
  { name: "completes", file: "workloads/linked-list.json", params: { rounds: 8, grow: 4000 }, heapBytes: 1 << 20 },
  { name: "shorter than 1 ms", file: "workloads/gcbench.json", params: TINY_GCBENCH, heapBytes: 256 << 10 },
  { name: "runs out of memory", file: "workloads/gcbench.json", params: SMALL_GCBENCH, heapBytes: 48 << 10 },
  { name: "leaks cycles", file: "workloads/cyclic-garbage.json", params: { rounds: 300 }, heapBytes: 4 << 20 },
  { name: "runtime error", file: "tests/fixtures/null-deref.json", params: {}, heapBytes: undefined },
];

/** Through the library, which takes a built-in collector's spec as it is written on the command line. */
function runSpec(spec: string, c: (typeof CASES)[number]): RunResult {
  return runWorkload(loadWorkload(c.file, c.params), {
    collector: spec,
    params: c.params,
    heapBytes: c.heapBytes,
    verify: true,
  });
}

/**
 * Dotted key paths of every figure. Leaves: arrays, the option and parameter
 * maps (their keys are names, not fields), and the two descriptive sections
 * that are null or a whole object (error, sweep), as the README says.
 */
function flatKeys(value: unknown, prefix = ""): string[] {
  if (value === null || typeof value !== "object" || Array.isArray(value) || ["options", "params", "error", "sweep"].includes(prefix)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => flatKeys(v, prefix ? `${prefix}.${k}` : k));
}

const results = CASES.flatMap((c) => SPECS.map((spec) => ({ case: c.name, spec, result: runSpec(spec, c) })));

describe("the result schema", () => {
  it("labels each variant by its spec", () => {
    expect(results.filter((r) => r.case === "completes").map((r) => r.result.label)).toEqual(SPECS);
  });

  it("accepts every result of every collector and variant on every workload", () => {
    for (const { case: name, spec, result } of results) {
      const ok = validate(JSON.parse(JSON.stringify(result)));
      expect(validate.errors ?? [], `${spec} / ${name}`).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it("covers the outcomes it has to: completed, out of memory, error, and a run shorter than every MMU window", () => {
    const outcomes = (name: string) => new Set(results.filter((r) => r.case === name).map((r) => r.result.outcome));
    expect(outcomes("completes")).toEqual(new Set(["completed"]));
    expect(outcomes("runs out of memory")).toEqual(new Set(["out-of-memory"]));
    expect(outcomes("runtime error")).toEqual(new Set(["error"]));
    for (const { result } of results.filter((r) => r.case === "shorter than 1 ms")) {
      expect(result.outcome).toBe("completed");
      expect(result.time.total).toBeLessThan(1e6);
    }
  });

  it("gives every result the same flattened keys, whatever the collector and the outcome", () => {
    const reference = flatKeys(results[0].result).sort();
    expect(reference).toEqual(expect.arrayContaining(["collections.major", "pauses.minor.p99", "memory.promotedBytes", "mmu.100ms", "error", "sweep"]));
    for (const { case: name, spec, result } of results) expect(flatKeys(result).sort(), `${spec} / ${name}`).toEqual(reference);
    const header = renderCsv(results.map((r) => r.result)).split("\n")[0];
    for (const { result } of results) expect(renderCsv([result]).split("\n")[0]).toBe(header);
  });

  it("counts what happened: 0 for kinds a collector never has, the kinds summing to the total", () => {
    for (const { spec, result } of results) {
      const sum = COLLECTION_KINDS.reduce((n, k) => n + result.collections[k], 0);
      expect(sum, spec).toBe(result.collections.total);
      expect(result.pauses.count).toBe(result.collections.total);
      for (const k of COLLECTION_KINDS) {
        expect(result.pauses[k].count).toBe(result.collections[k]);
        if (result.collections[k] === 0) expect([result.pauses[k].total, result.pauses[k].p99, result.pauses[k].max]).toEqual([0, null, null]);
      }
    }
    const markSweep = results.find((r) => r.spec === "mark-sweep" && r.case === "completes")!.result;
    expect([markSweep.collections.minor, markSweep.collections.major]).toEqual([0, 0]);
    expect(markSweep.memory.promotedBytes).toBeNull();
    const generational = results.find((r) => r.spec === "generational" && r.case === "completes")!.result;
    expect(generational.memory.promotedBytes).toBeGreaterThan(0);
  });

  it("leaves not-measured figures null: MMU windows longer than the run, and every whole-run statistic of a run that did not complete", () => {
    for (const { spec, result } of results) {
      for (const w of MMU_WINDOWS_MS) {
        // MMU(w) exists only for a completed run at least w long (window in simulated ns).
        const measured = result.outcome === "completed" && w * 1e6 <= result.time.total;
        expect(result.mmu[`${w}ms`] === null, `${spec} mmu ${w}ms`).toBe(!measured);
      }
      if (result.outcome !== "completed") {
        expect(result.leaked).toEqual({ objects: null, bytes: null, cycles: null });
        expect([result.pauses.p99, result.pauses.mean, result.time.gcOverhead, result.time.throughput, result.memory.allocationRate]).toEqual([null, null, null, null, null]);
        expect(result.error).not.toBeNull();
      } else {
        expect(result.error).toBeNull();
        expect(result.leaked.objects).not.toBeNull();
      }
      // Peak live is measured by the live-size probe (on by default) and fragmentation sampled where the run stopped:
      // both exist whether or not a full collection happened, and a run that allocated has a peak above 0.
      expect(result.memory.fragmentation, spec).not.toBeNull();
      if (result.allocated.bytes > 0) expect(result.memory.peakLive, spec).toBeGreaterThan(0);
      expect(result.memory.peakLiveUpperBound!, spec).toBeGreaterThanOrEqual(result.memory.peakLive!);
    }
  });

  it("computes a command's exit code from its results by one policy", () => {
    const of = (name: string, spec = "mark-sweep") => results.find((r) => r.case === name && r.spec === spec)!.result;
    const ok = of("completes");
    const oom = of("runs out of memory");
    const error = of("runtime error");
    const leak = of("leaks cycles", "rc:cycles=off");
    expect(leak.leaked.objects).toBeGreaterThan(0);
    expect(exitCodeFor([ok])).toBe(0);
    expect(exitCodeFor([ok, oom])).toBe(0);
    expect(exitCodeFor([ok, oom], { failOnOom: true })).toBe(3);
    expect(exitCodeFor([ok, error, oom], { failOnOom: true })).toBe(2);
    expect(exitCodeFor([ok, leak])).toBe(0);
    expect(exitCodeFor([ok, leak], { failOnLeak: true })).toBe(1);
    expect(exitCodeFor([leak, oom], { failOnLeak: true, failOnOom: true })).toBe(3);
    expect(exitCodeFor([{ ...error, error: { kind: "verification", message: "x" } }, error])).toBe(4);
  });
});

describe("the worker pool", () => {
  it("keeps every good result when a run throws, and gives the failed one a whole result with its error", async () => {
    const { runAll } = await import("../src/sim/pool.js");
    const options = { collector: "mark-sweep", params: { rounds: 2, grow: 1000 } };
    const results = await runAll(
      [
        { file: "workloads/linked-list.json", options },
        { file: "tests/fixtures/no-such-workload.json", options: { collector: "mark-sweep" } },
        { file: "workloads/linked-list.json", options: { ...options, collector: "copying" } },
      ],
      1, // in this thread: worker threads run the built dist/, which the CLI tests exercise
    );
    expect(results.map((r) => r.outcome)).toEqual(["completed", "error", "completed"]);
    expect(results[1].error).toMatchObject({ kind: "input", message: expect.stringContaining("no-such-workload") });
    for (const r of results) expect(validate(JSON.parse(JSON.stringify(r))), JSON.stringify(validate.errors)).toBe(true);
    expect(flatKeys(results[1]).sort()).toEqual(flatKeys(results[0]).sort());
    expect(exitCodeFor(results)).toBe(2);
  });
});
