import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { CSV_COLUMNS } from "../src/report/csv.js";

/** Runs the real executable (built by `npm test` before vitest starts). */
function gcsim(...args: string[]) {
  const r = spawnSync(process.execPath, ["bin/gcsim.js", ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SMALL_GCBENCH = ["--param", "kStretchTreeDepth=10", "--param", "kLongLivedTreeDepth=8", "--param", "kMaxTreeDepth=8", "--param", "kArraySize=4000"];

describe("gcsim run", () => {
  it("prints a readable table and exits 0", () => {
    const r = gcsim("run", "workloads/gcbench.json", "--collector", "mark-sweep", ...SMALL_GCBENCH, "--heap", "256KiB");
    expect(r.code).toBe(0);
    for (const label of ["workload", "collector", "heap", "outcome", "allocated", "collections", "pauses", "time", "MMU", "GC work", "memory", "leaked", "wall clock"]) {
      expect(r.stdout).toContain(label);
    }
    expect(r.stdout).toContain("completed");
  });

  it("prints the documented JSON object", () => {
    const r = gcsim("run", "workloads/linked-list.json", "-c", "copying", "--format", "json", "--verify");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ outcome: "completed", workload: "linked-list", collector: "copying", heapBytes: 4 << 20, verified: true });
    // linked-list grows `grow` cells per round for `rounds` rounds (defaults 20000 and 20).
    expect(result.allocated).toEqual({ objects: 400_000, bytes: 400_000 * 24 });
    expect(result.collections.total).toBe(result.collections.full);
    expect(result.wall.totalMs).toBeGreaterThan(0);
  });

  it("exits 3 with the out-of-memory message when the heap is too small, and -o still gets a whole result", () => {
    const dir = mkdtempSync(join(tmpdir(), "gcsim-"));
    const out = join(dir, "result.json");
    const r = gcsim("run", "workloads/gcbench.json", "-c", "copying", "--heap", "1MiB", "--format", "json", "-o", out);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^gcsim: out of memory at \/functions\/\w+\/body\/[\d/a-z]+: requested \d+ bytes, heap 1048576, live \d+\n$/);
    expect(JSON.parse(readFileSync(out, "utf8")).outcome).toBe("out-of-memory");
    expect(readdirSync(dir)).toEqual(["result.json"]);
  });

  it("exits 2 naming the path of a malformed workload, and writes no output file", () => {
    const dir = mkdtempSync(join(tmpdir(), "gcsim-"));
    const out = join(dir, "result.json");
    const r = gcsim("run", "tests/fixtures/bad-type.json", "-c", "mark-sweep", "-o", out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/main/body/3/alloc: unknown type "Nod" (types: Node, Array)');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("exits 2 with the line and column of a JSON syntax error", () => {
    const r = gcsim("run", "tests/fixtures/not-json.json", "-c", "mark-sweep");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not-json\.json is not valid JSON \(line 3, column \d+\)/);
  });

  it("exits 2 for an unknown collector, listing the known ones", () => {
    const r = gcsim("run", "workloads/gcbench.json", "-c", "generational-zgc");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/none, mark-sweep, copying/);
  });

  it("exits 2 for an unknown collector option or a bad value, naming the valid ones", () => {
    const unknown = gcsim("run", "workloads/linked-list.json", "-c", "rc", "--opt", "cycle=off");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown option "cycle" for collector rc (options: large, cycles, cycle-threshold, trace-every)');
    const bad = gcsim("run", "workloads/linked-list.json", "-c", "generational", "--opt", "mature=copying");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--opt mature=copying for collector generational: expected one of mark-sweep, mark-compact");
  });

  it("records the effective collector options in the result", () => {
    const r = gcsim("run", "workloads/linked-list.json", "-c", "rc", "--opt", "cycles=off", "--format", "json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).options).toEqual({ large: "8KiB", cycles: "off", "cycle-threshold": "10000", "trace-every": "50%" });
  });

  it("exits 2 for an unknown parameter, naming the valid ones", () => {
    const r = gcsim("run", "workloads/linked-list.json", "-c", "mark-sweep", "--param", "round=3");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--param round: unknown parameter (did you mean rounds?) (parameters: rounds, grow)");
  });

  it("exits 2 for a runaway loop, naming the statement", () => {
    const r = gcsim("run", "workloads/linked-list.json", "-c", "mark-sweep", "--max-ops", "1000");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/operation limit .* at \/main\/body\/2\/do\/0\/do/);
  });
});

describe("gcsim compare and check", () => {
  const baselineArgs = readFileSync("results/baseline.args", "utf8").trim().split(/\s+/);

  it("compare writes one CSV row per collector with the documented columns", () => {
    const dir = mkdtempSync(join(tmpdir(), "gcsim-"));
    const out = join(dir, "gcbench.csv");
    const r = gcsim("compare", "workloads/gcbench.json", "--collectors", "all", ...SMALL_GCBENCH, "--heap", "512KiB", "-f", "csv", "-o", out);
    expect(r.code).toBe(0);
    const rows: Record<string, string>[] = parse(readFileSync(out, "utf8"), { columns: true });
    expect(rows.map((row) => row.collector)).toEqual(["none", "mark-sweep", "copying", "mark-compact", "rc", "generational", "immix", "sticky-immix", "gen-immix", "incremental-mark-sweep", "concurrent-mark-sweep"]);
    expect(Object.keys(rows[0])).toEqual(CSV_COLUMNS.map(([name]) => name));
    expect(rows.find((row) => row.collector === "generational")!["collections.minor"]).not.toBe("0");
  });

  it("compare fills in the overhead over a none run of the same workload, appends the new CSV columns, and check reads the new metrics", () => {
    const dir = mkdtempSync(join(tmpdir(), "gcsim-"));
    const small = ["--param", "rounds=8", "--param", "grow=4000", "--heap", "1MiB"];
    const r = gcsim("compare", "linked-list", "--collectors", "none,mark-sweep,rc", ...small, "-o", join(dir, "r.json"), "-o", join(dir, "r.csv"), "-o", "-");
    expect(r.code).toBe(0);
    const runs = JSON.parse(readFileSync(join(dir, "r.json"), "utf8"));
    const none = runs.find((run: { collector: string }) => run.collector === "none");
    expect(none.outcome).toBe("completed");
    for (const run of runs) expect(run.time.overheadVsNone).toBe(run.time.total / none.time.mutator - 1);
    expect(r.stdout).toMatch(/overhead over none's mutator time \(lower bound\): /);
    // New CSV columns are appended after every earlier one.
    const names = CSV_COLUMNS.map(([name]) => name);
    expect(names.slice(names.indexOf("error.kind") + 1)).toEqual([
      "work.safepoints",
      "work.pagesPrepared",
      "work.pagesTouched",
      ...["count", "total", "mean", "p50", "p90", "p95", "p99", "max"].map((f) => `pauses.collections.${f}`),
      "pauses.atLeast1us",
      "time.overheadVsNone",
      "memory.peakLiveUpperBound",
      "memory.liveProbes",
      ...["initial-mark", "increment", "remark", "degenerated", "assist"].map((k) => `collections.${k}`),
      "work.barrierShades",
      "work.mutatorStops",
      "time.concurrent",
      "time.collectorCpu",
      "time.barriers",
      ...["count", "completed", "degenerated", "abandoned", "unfinished", "duration.max", "pausesPerCycle", "concurrentShare"].map((f) => `cycles.${f}`),
      ...["floating.objects", "floating.bytes", "floating.maxBytes", "allocatedDuring.maxBytes", "peakUsedAtEnd"].map((f) => `cycles.${f}`),
      "collections.backup-trace",
    ]);
    const rows: Record<string, string>[] = parse(readFileSync(join(dir, "r.csv"), "utf8"), { columns: true });
    expect(rows.map((row) => Number(row["time.overheadVsNone"]))).toEqual(runs.map((run: { time: { overheadVsNone: number } }) => run.time.overheadVsNone));
    // check compares the new figures like any other: against itself nothing regresses, against a better baseline it does.
    const metrics = "pauses.collections.p99,pauses.atLeast1us,time.overheadVsNone";
    expect(gcsim("check", join(dir, "r.json"), "--baseline", join(dir, "r.json"), "--metrics", metrics, "--tolerance", "0%").code).toBe(0);
    const better = runs.map((run: { collector: string; time: { overheadVsNone: number } }) =>
      run.collector === "rc" ? { ...run, time: { ...run.time, overheadVsNone: run.time.overheadVsNone / 2 } } : run,
    );
    writeFileSync(join(dir, "better.json"), JSON.stringify(better));
    const worse = gcsim("check", join(dir, "r.json"), "--baseline", join(dir, "better.json"), "--metrics", metrics, "--format", "json");
    expect(worse.code).toBe(1);
    expect(JSON.parse(worse.stdout).map((x: { metric: string }) => x.metric)).toEqual(["time.overheadVsNone"]);
  });

  it("compare prints one table per workload, best values highlighted, and a summary", () => {
    const r = gcsim("compare", "workloads/linked-list.json", "workloads/cyclic-garbage.json", "--collectors", "mark-sweep,copying,rc");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("linked-list");
    expect(r.stdout).toContain("cyclic-garbage");
    expect(r.stdout.match(/Summary/g)).toHaveLength(2);
    expect(r.stdout).toMatch(/less total time than/);
    expect(r.stdout).not.toMatch(/less GC time than|p99 pause than/);
  });

  it("check passes the shipped baseline: the figures are deterministic on any machine", () => {
    const dir = mkdtempSync(join(tmpdir(), "gcsim-"));
    const out = join(dir, "results.json");
    expect(gcsim("compare", ...baselineArgs, "-f", "json", "-o", out).code).toBe(0);
    const r = gcsim("check", out, "--baseline", "results/baseline.json", "--tolerance", "0%");
    expect(r.stdout).toMatch(/^ok: 48 runs/);
    expect(r.code).toBe(0);
  });

  it("check exits 1 against a baseline made better than the results, and 2 when runs are missing", () => {
    const dir = mkdtempSync(join(tmpdir(), "gcsim-"));
    const baseline = JSON.parse(readFileSync("results/baseline.json", "utf8"));
    const better = baseline.map((run: { collector: string; time: { gc: number } }) =>
      run.collector === "copying" ? { ...run, time: { ...run.time, gc: run.time.gc * 0.9 } } : run,
    );
    writeFileSync(join(dir, "better.json"), JSON.stringify(better));
    const r = gcsim("check", "results/baseline.json", "--baseline", join(dir, "better.json"), "--metrics", "time.gc");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/copying/);
    // One regression per workload the copying collector completed with some GC time.
    const expected = baseline.filter((run: { collector: string; outcome: string; time: { gc: number } }) => run.collector === "copying" && run.outcome === "completed" && run.time.gc > 0).length;
    expect(r.stdout).toContain(`${expected} regression${expected === 1 ? "" : "s"} beyond 2%`);
    writeFileSync(join(dir, "partial.json"), JSON.stringify(baseline.slice(1)));
    const missing = gcsim("check", "results/baseline.json", "--baseline", join(dir, "partial.json"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/in the results but not the baseline: linked-list/);
  });

  it("--fail-on-leak exits 1 when a run leaks", () => {
    const r = gcsim("run", "workloads/cyclic-garbage.json", "-c", "rc", "--opt", "cycles=off", "--heap", "4MiB", "--param", "rounds=100", "--fail-on-leak");
    expect(r.code).toBe(1);
    expect(gcsim("run", "workloads/cyclic-garbage.json", "-c", "rc", "--param", "rounds=100", "--fail-on-leak").code).toBe(0);
  });
});

describe("gcsim validate and list", () => {
  it("validate accepts the shipped workloads", () => {
    const files = readdirSync("workloads").filter((f) => f.endsWith(".json"));
    const r = gcsim("validate", ...files.map((f) => `workloads/${f}`));
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(files.length);
  });

  it("validate prints every error with its path and exits 2", () => {
    const r = gcsim("validate", "tests/fixtures/bad-type.json");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/main/body/3/alloc: unknown type "Nod" (types: Node, Array)');
  });

  it("list shows collectors and workloads", () => {
    const r = gcsim("list");
    expect(r.code).toBe(0);
    for (const name of ["none", "mark-sweep", "copying", "mark-compact", "rc", "generational", "--opt cycles=on", "--opt nursery=25%", "workloads/gcbench.json", "kStretchTreeDepth=18"]) {
      expect(r.stdout).toContain(name);
    }
  });

  it("--help documents the exit codes", () => {
    const r = gcsim("run", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/3 +out of memory/);
    expect(r.stdout).toMatch(/4 +heap verification failed/);
  });
});

describe("the result contract on the command line", () => {
  const dir = () => mkdtempSync(join(tmpdir(), "gcsim-"));

  it("--heap beyond the simulated heap's limit is one line naming the limit, exit 2 (run and compare)", () => {
    for (const args of [["run", "linked-list", "-c", "mark-sweep", "--heap", "2GiB"], ["run", "linked-list", "-c", "mark-sweep", "--heap", "100GiB"], ["compare", "linked-list", "--collectors", "mark-sweep,copying", "--heap", "4GiB"]]) {
      const r = gcsim(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      // The limit: addresses stay below 2^31 and hold the heap twice (main spaces and large-object range) plus up
      // to two pages of the largest page size, 512 KiB: 2^30 less 1 MiB.
      expect(r.stderr).toContain(`largest simulated heap, ${2 ** 30 - 2 ** 20} bytes`);
    }
  });

  it("sizes are case-insensitive and take JVM-style k/m/g", () => {
    const sized = (heap: string) => JSON.parse(gcsim("run", "linked-list", "-c", "copying", "--heap", heap, "-f", "json").stdout).heapBytes;
    expect(sized("4m")).toBe(4 << 20);
    expect(sized("4096K")).toBe(4 << 20);
    expect(sized("4mib")).toBe(4 << 20);
    expect(sized("4MB")).toBe(4_000_000);
  });

  it("compare keeps the good rows when one workload fails, and exits 2", () => {
    const r = gcsim("compare", "linked-list", "tests/fixtures/null-deref.json", "--collectors", "mark-sweep,copying", "-f", "json");
    expect(r.code).toBe(2);
    const rows = JSON.parse(r.stdout);
    expect(rows.map((x: { workload: string; outcome: string }) => `${x.workload} ${x.outcome}`)).toEqual([
      "linked-list completed",
      "linked-list completed",
      "null-deref error",
      "null-deref error",
    ]);
    expect(r.stderr).toContain("null-deref under mark-sweep: null dereference");
  });

  it("sweep keeps the collectors whose minimum heap was found when another's search fails, and exits 2", () => {
    const r = gcsim("sweep", "linked-queue", "--param", "length=500", "--param", "steps=2000", "--collectors", "mark-sweep,./examples/collectors/forgetful-mark-sweep.ts", "--factors", "1,2", "--verify", "-f", "json");
    expect(r.code).toBe(2);
    const rows = JSON.parse(r.stdout);
    expect(rows.map((x: { label: string; outcome: string }) => `${x.label} ${x.outcome}`)).toEqual([
      "mark-sweep completed",
      "mark-sweep completed",
      "forgetful-mark-sweep error",
      "forgetful-mark-sweep error",
    ]);
    expect(r.stderr).toContain("heap verification failed");
  });

  it("sweep refuses --heap, which its help does not list, and says what to use instead", () => {
    const r = gcsim("sweep", "workloads/linked-list.json", "--heap", "1MiB");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("gcsim: sweep chooses the heap sizes itself; use --factors instead of --heap\n");
    expect(gcsim("sweep", "--help").stdout).not.toMatch(/--heap /);
  });

  it("sweep --collectors all,VARIANT leaves out none and adds the variant", () => {
    const r = gcsim("sweep", "linked-queue", "--param", "length=500", "--param", "steps=2000", "--collectors", "all,rc:cycles=off", "--factors", "2", "-f", "json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).map((x: { label: string }) => x.label)).toEqual(["mark-sweep", "copying", "mark-compact", "rc", "generational", "immix", "sticky-immix", "gen-immix", "incremental-mark-sweep", "concurrent-mark-sweep", "rc:cycles=off"]);
  });

  it("compare: out of memory is data, exit 3 with --fail-on-oom, 1 with --fail-on-leak", () => {
    const args = ["compare", "linked-list", "--collectors", "none,mark-sweep", "-f", "json"];
    const plain = gcsim(...args);
    expect(JSON.parse(plain.stdout).map((x: { outcome: string }) => x.outcome)).toEqual(["out-of-memory", "completed"]);
    expect(plain.code).toBe(0);
    expect(gcsim(...args, "--fail-on-oom").code).toBe(3);
    const leak = gcsim("compare", "cyclic-garbage", "--collectors", "rc:cycles=off,mark-sweep", "--heap", "4MiB", "--param", "rounds=100", "--fail-on-leak", "-f", "json");
    expect(leak.code).toBe(1);
  });

  it("compare -f json is always an array, with one distinct label per variant", () => {
    const one = gcsim("compare", "linked-list", "--collectors", "mark-sweep", "-f", "json");
    expect(JSON.parse(one.stdout)).toHaveLength(1);
    const r = gcsim("compare", "workloads/linked-list.json", "--collectors", "generational,generational:barrier=cards", "-f", "json");
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows.map((x: { label: string }) => x.label)).toEqual(["generational", "generational:barrier=cards"]);
    expect(rows.map((x: { options: { barrier: string } }) => x.options.barrier)).toEqual(["remset", "cards"]);
  });

  it("gives each variant its own colour in the HTML report", () => {
    const out = join(dir(), "report.html");
    expect(gcsim("compare", "linked-list", "--collectors", "generational,generational:barrier=cards,mark-sweep", "--report", out, "-f", "json").code).toBe(0);
    const data = JSON.parse(/<script type="application\/json" id="gcsim-data">(.*?)<\/script>/s.exec(readFileSync(out, "utf8"))![1]);
    const colours = data.runs.map((run: { collector: string }) => data.colours[run.collector]);
    expect(data.runs.map((run: { collector: string }) => run.collector)).toEqual(["generational", "generational:barrier=cards", "mark-sweep"]);
    expect(new Set(colours).size).toBe(3);
  });

  it("check matches runs by variant", () => {
    const d = dir();
    const results = join(d, "results.json");
    expect(gcsim("compare", "random-graph", "--collectors", "generational,generational:barrier=cards", "-o", results).code).toBe(0);
    const runs = JSON.parse(readFileSync(results, "utf8"));
    // A baseline where only the card-marking variant did less GC work.
    const baseline = runs.map((r: { label: string; time: { gc: number } }) => (r.label === "generational:barrier=cards" ? { ...r, time: { ...r.time, gc: r.time.gc / 2 } } : r));
    writeFileSync(join(d, "baseline.json"), JSON.stringify(baseline));
    const r = gcsim("check", results, "--baseline", join(d, "baseline.json"), "--metrics", "time.gc", "-f", "json");
    expect(r.code).toBe(1);
    const regressions = JSON.parse(r.stdout);
    expect(regressions).toHaveLength(1);
    expect(regressions[0].run).toContain("barrier=cards");
    expect(regressions[0].change).toBeCloseTo(1, 10);
  });

  it("compare --verify exits 4 when a run fails verification, keeping the other rows", () => {
    const r = gcsim("compare", "linked-list", "--collectors", "mark-sweep,./examples/collectors/forgetful-mark-sweep.ts", "--verify", "-f", "json");
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stdout).map((x: { outcome: string }) => x.outcome)).toEqual(["completed", "error"]);
  });

  it("rejects a variant that repeats a configuration, and suggests near-miss names", () => {
    const dup = gcsim("compare", "linked-list", "--collectors", "generational,generational:barrier=remset");
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain("are the same configuration");
    const typo = gcsim("run", "linked-list", "-c", "mark-swep");
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("did you mean mark-sweep?");
    const option = gcsim("run", "linked-list", "-c", "generational:barier=cards");
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("did you mean barrier?");
    for (const command of [["run", "gcbench", "-c", "mark-sweep"], ["compare", "gcbench", "--collectors", "mark-sweep"]]) {
      const param = gcsim(...command, "--param", "kArraySise=4");
      expect(param.code).toBe(2);
      expect(param.stderr).toContain("--param kArraySise");
      expect(param.stderr).toContain("(did you mean kArraySize?)");
    }
    const workload = gcsim("run", "gcbenhc", "-c", "mark-sweep");
    expect(workload.code).toBe(2);
    expect(workload.stderr).toMatch(/did you mean gcbench\?.*shipped: binary-trees, cyclic-garbage/);
  });

  it("shipped workloads resolve by bare name from any directory, and - reads a workload from stdin", () => {
    const elsewhere = spawnSync(process.execPath, [join(process.cwd(), "bin/gcsim.js"), "run", "gcbench", "-c", "mark-sweep", ...SMALL_GCBENCH, "-f", "json"], { cwd: tmpdir(), encoding: "utf8" });
    expect(elsewhere.status).toBe(0);
    expect(JSON.parse(elsewhere.stdout)).toMatchObject({ workload: "gcbench", file: "workloads/gcbench.json", outcome: "completed" });
    const stdin = spawnSync(process.execPath, ["bin/gcsim.js", "run", "-", "-c", "copying", "-f", "json"], { input: readFileSync("workloads/linked-list.json"), encoding: "utf8" });
    expect(stdin.status).toBe(0);
    expect(JSON.parse(stdin.stdout).allocated.objects).toBe(400_000);
  });

  it("writes several formats from one run with repeatable -o, and records timelines with --with-timeline", () => {
    const d = dir();
    const files = ["r.json", "r.csv", "r.md"].map((f) => join(d, f));
    const r = gcsim("compare", "linked-list", "--collectors", "mark-sweep,copying", "--with-timeline", ...files.flatMap((f) => ["-o", f]));
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(files[0], "utf8"));
    expect(json[0].timeline.length).toBe(json[0].collections.total);
    expect(parse(readFileSync(files[1], "utf8"), { columns: true })).toHaveLength(2);
    expect(readFileSync(files[2], "utf8")).toMatch(/^\| workload \| collector \|/);
    expect(gcsim("compare", "linked-list", "--collectors", "mark-sweep", "-f", "csv", "-o", join(d, "x.json")).code).toBe(2);
  });

  it("shows not-measured figures as - and never as the best value", () => {
    // The run is shorter than 10 ms of simulated time, so MMU 10ms is not measured for either collector.
    const r = gcsim("compare", "gcbench", ...SMALL_GCBENCH, "--heap", "256KiB", "--collectors", "mark-sweep,copying", "-f", "markdown");
    const rows = r.stdout.trim().split("\n").filter((line) => line.startsWith("|")).slice(2).map((line) => line.split("|").map((c) => c.trim()));
    const mmu = r.stdout.split("\n")[0].split("|").map((c) => c.trim()).indexOf("MMU 10ms");
    expect(rows.map((row) => row[mmu])).toEqual(["-", "-"]);
    const csv: Record<string, string>[] = parse(gcsim("compare", "gcbench", ...SMALL_GCBENCH, "--heap", "256KiB", "--collectors", "mark-sweep", "-f", "csv").stdout, { columns: true });
    expect(csv[0]["mmu.10ms"]).toBe("");
  });

  it("prints what the workload printed under the table", () => {
    const r = gcsim("run", "binary-trees", "-c", "generational", "--param", "N=6");
    expect(r.stdout).toMatch(/┘\noutput\nstretch tree of depth 7\t check: 255\n/);
  });

  it("check --format markdown and json, for a CI step summary and scripts", () => {
    const md = gcsim("check", "results/baseline.json", "--baseline", "results/baseline.json", "--format", "markdown");
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^### gcsim check: passed\n\n48 runs compared/);
    const json = gcsim("check", "results/baseline.json", "--baseline", "results/baseline.json", "--format", "json");
    expect(JSON.parse(json.stdout)).toEqual([]);
  });
});

describe("every option is registered, documented and exercised", () => {
  const dir = () => mkdtempSync(join(tmpdir(), "gcsim-"));
  const json = (...args: string[]) => {
    const r = gcsim(...args, "-f", "json");
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };
  /** Deterministic figures only: everything but wall-clock time. */
  const deterministic = (r: { wall?: unknown }) => ({ ...r, wall: undefined });

  it("--seed is recorded and changes a random workload; the same seed gives the same figures", () => {
    const one = json("run", "random-graph", "-c", "mark-sweep", "--seed", "1");
    const two = json("run", "random-graph", "-c", "mark-sweep", "--seed", "2");
    expect([one.seed, two.seed]).toEqual([1, 2]);
    expect(two.memory.finalGraphHash).not.toBe(one.memory.finalGraphHash);
    expect(deterministic(json("run", "random-graph", "-c", "mark-sweep", "--seed", "2"))).toEqual(deterministic(two));
  });

  it("--cost-model changes exactly the costs it names", () => {
    const file = join(dir(), "costs.json");
    writeFileSync(file, JSON.stringify({ objectMarked: 20 }));
    const base = json("run", "linked-list", "-c", "mark-sweep");
    const costly = json("run", "linked-list", "-c", "mark-sweep", "--cost-model", file);
    expect(costly.costModel.objectMarked).toBe(20);
    // Marking happens inside pauses: GC time grows by (20 - 5) ns per object marked, the mutator's not at all.
    expect(costly.time.gc - base.time.gc).toBe((20 - base.costModel.objectMarked) * base.work.objectsMarked);
    expect(costly.time.mutator).toBe(base.time.mutator);
  });

  it("--max-depth stops deep recursion with the call's path, exit 2; --quiet prints nothing else", () => {
    const r = gcsim("run", "binary-trees", "-c", "mark-sweep", "--param", "N=6", "--max-depth", "3", "--quiet");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("gcsim: recursion deeper than the limit (raise it with --max-depth) at /functions/BottomUpTree/body/1\n");
  });

  it("--peak-live-precision sets how close memory.peakLive comes to the true peak; off leaves it null; anything else is exit 2", () => {
    // linked-list's true peak, by hand: one round grows the list to 1000 cells of 24 bytes (header, next, 8 payload bytes)
    // and then halves it, so the peak is when the last cell is allocated.
    const small = ["--param", "rounds=1", "--param", "grow=1000", "--heap", "1MiB"];
    const exact = json("run", "linked-list", "-c", "mark-sweep", ...small, "--peak-live-precision", "1e-9");
    expect([exact.memory.peakLive, exact.memory.peakLiveUpperBound]).toEqual([1000 * 24, 1000 * 24]);
    const off = json("run", "linked-list", "-c", "mark-sweep", ...small, "--peak-live-precision", "off");
    expect([off.memory.peakLive, off.memory.peakLiveUpperBound, off.memory.liveProbes]).toEqual([null, null, null]);
    const bad = gcsim("run", "linked-list", "-c", "mark-sweep", ...small, "--peak-live-precision", "2");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--peak-live-precision must be a fraction in \(0, 1\], e\.g\. 0\.01, or off/);
  });

  it("--timeline writes one CSV row per pause", () => {
    const file = join(dir(), "timeline.csv");
    const result = json("run", "linked-list", "-c", "generational", "--timeline", file);
    const rows: Record<string, string>[] = parse(readFileSync(file, "utf8"), { columns: true });
    expect(rows).toHaveLength(result.collections.total);
    expect(Object.keys(rows[0])).toEqual([
      ...["index", "startNs", "kind", "reason", "pauseNs", "usedBefore", "usedAfter", "liveAfter", "footprint", "footprintBefore", "fragmentation"],
      ...Object.keys(result.work).map((w) => `work.${w}`),
      "cycle",
    ]);
    expect(rows.filter((row) => row.kind === "minor")).toHaveLength(result.collections.minor);
    // Each pause's own work counters, which add up to the run's work inside pauses.
    const copied = rows.reduce((sum, row) => sum + Number(row["work.objectsCopied"]), 0);
    expect(copied).toBe(result.work.objectsCopied);
  });

  it("--jobs changes nothing but the wall clock", () => {
    const args = ["compare", "linked-list", "cyclic-garbage", "--collectors", "mark-sweep,rc,rc:cycles=off"];
    expect(json(...args, "--jobs", "1").map(deterministic)).toEqual(json(...args, "--jobs", "2").map(deterministic));
  });

  it("minheap takes a spec, --resolution and -o; report and check write to -o", () => {
    const d = dir();
    const out = join(d, "minheap.json");
    const r = gcsim("minheap", "linked-queue", "-c", "generational:barrier=cards", "--param", "length=500", "--param", "steps=2000", "--resolution", "5%", "--seed", "3", "-f", "json", "-o", out);
    expect(r.code).toBe(0);
    const m = JSON.parse(readFileSync(out, "utf8"));
    expect(m).toMatchObject({ collector: "generational", seed: 3, resolution: 0.05 });
    expect(m.options.barrier).toBe("cards");
    expect(m.minHeapBytes - m.failedHeapBytes).toBeLessThanOrEqual(Math.max(8, Math.ceil(m.minHeapBytes * 0.05)));
    expect(gcsim("report", "results/baseline.json", "-o", join(d, "report.html")).code).toBe(0);
    expect(readFileSync(join(d, "report.html"), "utf8")).toMatch(/^<!doctype html>/);
    expect(gcsim("check", "results/baseline.json", "--baseline", "results/baseline.json", "-o", join(d, "check.txt")).code).toBe(0);
    expect(readFileSync(join(d, "check.txt"), "utf8")).toMatch(/^ok: 48 runs/);
  });

  it("every option --help lists is in the README and in a test, and every option the README's synopsis lists is registered", () => {
    const readme = readFileSync("README.md", "utf8");
    const tests = readdirSync("tests").filter((f) => f.endsWith(".test.ts")).map((f) => readFileSync(join("tests", f), "utf8")).join("\n");
    const synopsis = /## Commands\n\n```\n([\s\S]*?)```/.exec(readme)![1];
    const shared = [...synopsis.matchAll(/^(?:options|run only|\s+).*$/gm)].map((m) => m[0]).join(" ");
    for (const command of ["run", "compare", "sweep", "minheap", "check", "report"]) {
      const help = gcsim(command, "--help").stdout;
      const entries = [...help.matchAll(/^\s+(?:(-\w), )?(--[a-z-]+)/gm)].filter((m) => m[2] !== "--help");
      const registered = entries.map((m) => m[2]);
      for (const [, short, option] of entries) {
        const either = (text: string, quote: string) => text.includes(`${quote}${option}${quote}`) || (short !== undefined && text.includes(`${quote}${short}${quote}`));
        expect(either(readme, "`") || readme.includes(`${option} `) || readme.includes(`[${option}`), `${command} ${option} in the README`).toBe(true);
        expect(either(tests, '"'), `${command} ${option} in a test`).toBe(true);
      }
      const line = new RegExp(`^gcsim ${command} .*$`, "m").exec(synopsis)![0];
      const documented = [...(line + (["run", "compare", "sweep"].includes(command) ? shared : "")).matchAll(/(--[a-z-]+)/g)].map((m) => m[1]);
      const applicable = documented.filter(
        (o) =>
          !(["--timeline", "--gc-log", "--gc-log-format"].includes(o) && command !== "run") &&
          !(["--report", "--fail-on-oom"].includes(o) && command === "run") &&
          !(o === "--heap" && command === "sweep"), // "(not sweep)": sweep chooses its heaps
      );
      for (const option of applicable) expect(registered, `${command} ${option} registered`).toContain(option);
    }
  });
});
