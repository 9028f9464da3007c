/**
 * The hostile-input fuzzer (scripts/fuzz.mjs) on a few hundred mutants of
 * every input kind: workloads, graph sidecars, heap snapshots, cost models and
 * results files, each through gcsim's command line. Every mutant must end in
 * success or a clean one-line error with exit 2/3: no stack trace, no control
 * characters, no crash, no hang past the fuzzer's budget. The longer run is
 * `npm run fuzz -- --runs 5000` (README: Hostile input).
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("hostile-input fuzzing", () => {
  it("300 mutated inputs of every kind end in success or a clean error, never a stack trace, crash or hang", () => {
    const r = spawnSync(process.execPath, ["scripts/fuzz.mjs", "--runs", "300", "--seed", "12", "--budget", "30", "--json"], {
      encoding: "utf8",
      timeout: 110_000,
    });
    expect(r.status, r.stderr).not.toBeNull();
    const summary = JSON.parse(r.stdout.trim().split("\n").pop()!);
    expect(summary.failures).toEqual([]);
    expect(summary.hangs).toEqual([]);
    expect(summary.crashes).toEqual([]);
    expect(summary.mutants).toBe(300);
    for (const kind of ["workload", "sidecar", "snapshot", "cost-model", "results"]) expect(summary.byKind[kind]).toBeGreaterThan(20);
    // The mutants reach past the first check: some run to completion, some are refused.
    expect(summary.exitCodes["run 0"]).toBeGreaterThan(0);
    expect(summary.exitCodes["run 2"]).toBeGreaterThan(0);
    expect(r.status).toBe(0);
  });
});
