/**
 * Looking inside a run: the Trace Event Format export and the GC logs in Go's,
 * the JDK's and V8's formats. The trace is checked against the format's
 * documented fields and against the cost model (every phase's duration
 * re-derived here from its counters); each log line against the grammar of a
 * real reader of that format, re-expressed from its source (cited at each
 * pattern), and V8's against real Node 20 logs.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { SimClock, workUnitNs } from "../src/metrics/clock.js";
import { WORK_NAMES, WorkCounters, type WorkName } from "../src/metrics/collection-log.js";
import { DEFAULT_COSTS } from "../src/metrics/cost-model.js";
import { goMilliseconds, renderGcLog, type GcLogFormat } from "../src/report/gc-log.js";
import { COLLECTIONS_PROPER, type CollectionKind, type RunResult, type TimelineRow } from "../src/report/result.js";
import { microseconds, renderTraceEvents } from "../src/report/trace-events.js";
import { formatBytes } from "../src/report/format.js";
import { runWorkloadWithTimeline } from "../src/sim/run.js";
import { loadWorkload } from "../src/workload/load.js";

const gcbench = loadWorkload("workloads/gcbench.json");
const params = { kStretchTreeDepth: 10, kLongLivedTreeDepth: 8, kMaxTreeDepth: 8, kArraySize: 4000 };
const SMALL_GCBENCH = Object.entries(params).flatMap(([k, v]) => ["--param", `${k}=${v}`]);

/** One small GCBench run per configuration whose pauses differ in kind and phases. */
const RUNS: { collector: string; options?: Record<string, string>; heapBytes: number }[] = [
  { collector: "mark-sweep", options: { sweep: "eager" }, heapBytes: 256 << 10 },
  { collector: "copying", heapBytes: 512 << 10 },
  { collector: "mark-compact", heapBytes: 256 << 10 },
  { collector: "generational", heapBytes: 384 << 10 },
  { collector: "generational", options: { mature: "mark-compact", barrier: "cards" }, heapBytes: 192 << 10 },
  { collector: "rc", heapBytes: 256 << 10 },
  { collector: "mark-sweep", heapBytes: 256 << 10 },
];
const results: RunResult[] = RUNS.map(({ collector, options, heapBytes }) => {
  const { result, timeline } = runWorkloadWithTimeline(gcbench, { collector, collectorOptions: options, params, heapBytes });
  expect(result.outcome).toBe("completed");
  return { ...result, timeline: timeline() };
});

/** The cost of one unit of each counter, written out from the cost model's definitions (README, Simulated time). */
const UNIT_NS: Record<WorkName, number> = {
  objectsMarked: DEFAULT_COSTS.objectMarked,
  slotsScanned: DEFAULT_COSTS.slotScanned,
  rootsScanned: DEFAULT_COSTS.rootScanned,
  objectsCopied: DEFAULT_COSTS.objectCopied,
  bytesCopied: DEFAULT_COSTS.wordCopied / 8,
  cellsSwept: DEFAULT_COSTS.cellSwept,
  objectsFreed: DEFAULT_COSTS.objectFreed,
  rcIncrements: DEFAULT_COSTS.rcIncrement,
  rcDecrements: DEFAULT_COSTS.rcDecrement,
  barrierExecutions: DEFAULT_COSTS.barrierExecuted,
  remsetEntriesProcessed: DEFAULT_COSTS.remsetEntryProcessed,
  allocationSlowPaths: DEFAULT_COSTS.allocationSlowPath,
  safepoints: DEFAULT_COSTS.safepoint + DEFAULT_COSTS.runtimeRoots,
  pagesPrepared: DEFAULT_COSTS.pagePrepared,
  pagesTouched: DEFAULT_COSTS.pageFirstTouch,
};

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid?: number;
  ts?: number;
  dur?: number;
  cat?: string;
  args?: Record<string, unknown>;
}

/** Values whose truncated and rounded readings differed (checked once at the end of each test that reads them). */
let disagreements = 0;
/** A ts or dur read as trace processors do: µs × 1000, truncated (older Perfetto) and rounded (newer); both must agree. */
function nsOf(us: number): number {
  const truncated = Math.trunc(us * 1000);
  if (Math.round(us * 1000) !== truncated) disagreements++;
  return truncated;
}

describe("--trace-events: Trace Event Format", () => {
  const trace = JSON.parse(renderTraceEvents(results)) as { traceEvents: TraceEvent[]; otherData: Record<string, string> };
  const events = trace.traceEvents;

  it("is the JSON object form with only documented event fields and phases", () => {
    expect(Array.isArray(events)).toBe(true);
    // The JSON Object Format's keys; displayTimeUnit is deliberately absent (some Perfetto versions read it as ts's unit).
    expect(Object.keys(trace).sort()).toEqual(["otherData", "traceEvents"]);
    for (const e of events) {
      expect(["X", "C", "M"]).toContain(e.ph);
      expect(typeof e.name).toBe("string");
      expect(Number.isInteger(e.pid)).toBe(true);
      for (const key of Object.keys(e)) expect(["ph", "name", "pid", "tid", "ts", "dur", "cat", "args"]).toContain(key);
      if (e.ph === "X") {
        expect(Number.isInteger(e.tid)).toBe(true);
        expect(e.ts).toBeGreaterThanOrEqual(0);
        expect(e.dur).toBeGreaterThanOrEqual(0);
      }
      if (e.ph === "C") {
        expect(e.ts).toBeGreaterThanOrEqual(0);
        // A counter's args are its series, each a number.
        expect(Object.values(e.args!).every((v) => typeof v === "number" && Number.isFinite(v))).toBe(true);
      }
      if (e.ph === "M") {
        expect(["process_name", "process_sort_index", "thread_name", "thread_sort_index"]).toContain(e.name);
        expect(e.args).toBeDefined();
      }
    }
  });

  it("gives each run its own process with a mutator and a collector thread", () => {
    const names = events.filter((e) => e.ph === "M" && e.name === "process_name");
    expect(names.map((e) => e.pid)).toEqual(results.map((_, i) => i + 1));
    expect(names[4].args!.name).toBe(`gcbench · ${results[4].label} · ${formatBytes(192 << 10)}`);
    for (let pid = 1; pid <= results.length; pid++) {
      const threads = events.filter((e) => e.ph === "M" && e.name === "thread_name" && e.pid === pid).map((e) => [e.tid, e.args!.name]);
      expect(threads).toEqual([[1, "mutator"], [2, "collector"]]);
    }
  });

  it("tiles each run's simulated time with mutator slices and pauses, and nests every phase exactly inside its pause", () => {
    results.forEach((result, i) => {
      const pid = i + 1;
      const rows = result.timeline!;
      const slices = events.filter((e) => e.ph === "X" && e.pid === pid);
      const pauses = slices.filter((e) => e.cat === "gc");
      const phases = slices.filter((e) => e.cat === "gc.phase");
      const mutator = slices.filter((e) => e.tid === 1);
      expect(pauses).toHaveLength(rows.length);
      // Mutator slices and pauses, in time order, leave no gap and never overlap, from 0 to the run's end.
      const top = [...mutator, ...pauses].sort((a, b) => a.ts! - b.ts!);
      let at = 0;
      for (const s of top) {
        expect(nsOf(s.ts!)).toBe(at);
        at += nsOf(s.dur!);
      }
      expect(at).toBe(Math.round(result.time.total));
      // Each pause: the row's simulated start and end, rounded to whole ns; its phases tile it.
      let next = 0;
      pauses.forEach((pause, p) => {
        const row = rows[p];
        expect(pause.name).toBe(row.kind);
        expect(nsOf(pause.ts!)).toBe(Math.round(row.startNs));
        expect(nsOf(pause.ts!) + nsOf(pause.dur!)).toBe(Math.round(row.startNs + row.pauseNs));
        const start = nsOf(pause.ts!);
        const end = start + nsOf(pause.dur!);
        // Phases follow their pause in the file; together they start where it starts and end where it ends, with no gap.
        let cursor = start;
        while (next < phases.length && nsOf(phases[next].ts!) < end) {
          expect(nsOf(phases[next].ts!)).toBe(cursor);
          cursor += nsOf(phases[next].dur!);
          next++;
        }
        expect(cursor).toBe(end);
      });
      expect(next).toBe(phases.length);
      expect(phases.every((ph) => nsOf(ph.dur!) > 0)).toBe(true);
    });
    expect(disagreements).toBe(0);
  });

  it("charges each phase exactly the cost model's price of its counters, and every counter of a pause to one phase", () => {
    for (const [i, result] of results.entries()) {
      const pid = i + 1;
      const pauses = events.filter((e) => e.ph === "X" && e.pid === pid && e.cat === "gc");
      const phases = events.filter((e) => e.ph === "X" && e.pid === pid && e.cat === "gc.phase");
      let p = 0;
      for (const pause of pauses) {
        const start = nsOf(pause.ts!);
        const end = start + nsOf(pause.dur!);
        const work = pause.args!.work as Partial<Record<WorkName, number>>;
        const charged: Partial<Record<WorkName, number>> = {};
        let total = 0;
        while (p < phases.length && nsOf(phases[p].ts!) >= start && nsOf(phases[p].ts!) < end) {
          const { ns, ...counters } = phases[p].args as Record<string, number>;
          const price = Object.entries(counters).reduce((sum, [name, n]) => sum + n * UNIT_NS[name as WorkName], 0);
          expect(ns).toBeCloseTo(price, 6);
          for (const [name, n] of Object.entries(counters)) {
            expect(charged[name as WorkName], `${name} in two phases`).toBeUndefined();
            charged[name as WorkName] = n;
          }
          total += ns;
          p++;
        }
        expect(charged).toEqual(work);
        expect(total).toBeCloseTo(pause.args!.pauseNs as number, 3);
      }
    }
  });

  it("names phases by what the collector did", () => {
    const phaseNames = (pid: number, kind?: string) => {
      const pauses = events.filter((e) => e.pid === pid && e.cat === "gc" && (kind === undefined || e.name === kind));
      const phases = events.filter((e) => e.pid === pid && e.cat === "gc.phase");
      return new Set(phases.filter((ph) => pauses.some((pa) => ph.ts! >= pa.ts! && ph.ts! < pa.ts! + pa.dur!)).map((ph) => ph.name));
    };
    expect([...phaseNames(1)]).toEqual(expect.arrayContaining(["safepoint", "roots", "mark", "sweep"]));
    expect(phaseNames(2).has("copy")).toBe(true);
    // Copying marks nothing but the large objects it keeps in place (GCBench's array): one per collection at most.
    expect(results[1].work.objectsMarked).toBeLessThanOrEqual(results[1].collections.total);
    expect([...phaseNames(3)]).toEqual(expect.arrayContaining(["mark", "compact"]));
    expect(phaseNames(3).has("sweep")).toBe(false);
    expect(phaseNames(4, "minor").has("copy")).toBe(true);
    expect(phaseNames(4, "minor").has("remembered set")).toBe(true);
    expect(phaseNames(5, "major").has("compact")).toBe(true);
    expect(phaseNames(6, "cycle").has("cycle collection")).toBe(true);
    // Lazy sweeping: the allocations sweep the free-list space, in mutator time; a collection's pause sweeps only
    // the large-object space, whose one object (GCBench's array) is one cell.
    expect(phaseNames(7).has("mark")).toBe(true);
    const lazyPauses = results[6].timeline!.filter((r) => r.reason === "allocation-failure");
    expect(lazyPauses.length).toBeGreaterThan(0);
    for (const pause of lazyPauses) expect(pause.work.cellsSwept).toBe(1);
  });

  it("writes counters only where they are measured: live and fragmentation after full collections, never 0 for unknown", () => {
    results.forEach((result, i) => {
      const counters = events.filter((e) => e.ph === "C" && e.pid === i + 1);
      const rows = result.timeline!;
      const live = counters.filter((e) => e.name === "heap live");
      expect(live.map((e) => e.args!.bytes)).toEqual(rows.filter((r) => r.liveAfter !== null).map((r) => r.liveAfter));
      const fragmentation = counters.filter((e) => e.name === "fragmentation").map((e) => e.args!.ratio);
      expect(fragmentation).toEqual(rows.filter((r) => r.fragmentation !== null).map((r) => r.fragmentation));
      // heap used: 0 at the start, then before and after every pause.
      const used = counters.filter((e) => e.name === "heap used").map((e) => e.args!.bytes);
      expect(used).toEqual([0, ...rows.flatMap((r) => [r.usedBefore, r.usedAfter])]);
      expect(counters.filter((e) => e.name === "heap footprint").map((e) => e.args!.bytes)).toEqual(rows.flatMap((r) => [r.footprintBefore, r.footprint]));
    });
    // Generational minor collections measure neither live data nor fragmentation.
    const generational = results[3].timeline!;
    expect(generational.some((r) => r.kind === "minor")).toBe(true);
    expect(generational.filter((r) => r.kind === "minor").every((r) => r.liveAfter === null && r.fragmentation === null)).toBe(true);
    // A lazily swept collection knows the live size from its marking, but measures fragmentation only once swept.
    const lazy = results[6].timeline!;
    expect(lazy.length).toBeGreaterThan(0);
    expect(lazy.every((r) => r.liveAfter !== null && r.fragmentation === null)).toBe(true);
  });

  it("writes microseconds that read back as the exact ns under truncation and rounding", () => {
    for (const ns of [0, 1, 999, 1000, 1001, 4_503_001, 123_456_789, 9_007_199_254, 1_000_000_000_007]) {
      const us = Number(microseconds(ns));
      expect(Math.trunc(us * 1000)).toBe(ns);
      expect(Math.round(us * 1000)).toBe(ns);
    }
  });
});

// ---- GC logs ----

/**
 * GCViewer's Go reader (chewiebug/GCViewer, src/main/java/com/tagtraum/perf/gcviewer/imp/DataReaderGo.java,
 * "Parses GC log output from Go 1.9"), its GCLINE pattern re-expressed; it must match the whole line.
 */
const GO_GCVIEWER = /^gc (\d+) @(\d+\.\d+)s (\d+)%: (\d+(?:\.\d+)?)\+(\d+(?:\.\d+)?)\+(\d+(?:\.\d+)?) ms clock, (\d+(?:\.\d+)?)\+(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)\+(\d+(?:\.\d+)?) ms cpu, (\d+)->(\d+)->(\d+) MB, (\d+) MB goal, (\d+) P$/;

/**
 * GCViewer's unified JVM logging reader (chewiebug/GCViewer,
 * src/main/java/com/tagtraum/perf/gcviewer/imp/DataReaderUnifiedJvmLogging.java): PATTERN_DECORATORS
 * splits the decorations, the GC number, the event type and the tail; the tail of a "Pause Young" or
 * "Pause Full" event (GcPattern.GC_MEMORY_PAUSE) must match PATTERN_MEMORY_PAUSE. Re-expressed.
 */
const JDK_DECORATORS = /^(?:\[(?<time>[0-9-T:.+]*)])?(?:\[(?<uptime>[^s]*)s])?\[(?<level>[^\]]+)]\[(?:(?<tags>[^\] ]+)[ ]*)][ ]GC\((?<gcnumber>[0-9]+)\)[ ](?<type>[-.a-zA-Z: ()]+|[a-zA-Z1 ()]+)(?:(?:[ ](?<tail>[0-9]{1}.*))|$)/;
const JDK_MEMORY_PAUSE = /^(([0-9]+)([BKMG])->([0-9]+)([BKMG])\(([0-9]+)([BKMG])\))(?:(?:[ ]([0-9]+[.,][0-9]+)ms)|$)/;
/** DataReaderTools.parseTypeWithCause: the type looked up as written, else with its first "(cause)" removed. */
const jdkEventType = (type: string) => type.trim().replace(/\([^()]*\) ?/, "").trim();
/** The unified-logging event types GCViewer's AbstractGCEvent.Type knows and reads with memory and pause. */
const JDK_MEMORY_PAUSE_TYPES = ["Pause Young", "Pause Full", "Pause Mixed", "Pause Initial Mark", "Pause Remark"];

/**
 * V8's --trace-gc line as GCTracer::Print (v8 src/heap/gc-tracer.cc, V8 11.x as in Node 20) formats it:
 *   "[%d:%p] %8.0f ms: %s%s%s %.1f (%.1f) -> %.1f (%.1f) MB, %.2f / %.2f ms %s (average mu = %.3f, current mu = %.3f) %s; %s\n"
 * with the type (Scavenge, Minor Mark-Compact, Mark-Compact, Mark-Compact (reduce)), the optional
 * incremental-marking note "(+ ... ms)" in the %s before "(average", the reason, then the collector's reason.
 */
const V8_TRACE_GC =
  /^\[(\d+):(0x[0-9a-fA-F]+)\] {1,}(\d+) ms: (Scavenge|Minor Mark-Compact|Minor Mark-Sweep|Mark-Compact|Mark-Sweep)( \(reduce\))?( \((?:during sweeping|interleaved)\))? (\d+\.\d) \((\d+\.\d)\) -> (\d+\.\d) \((\d+\.\d)\) MB, (\d+\.\d{2}) \/ (\d+\.\d{2}) ms (| \(\+ [^)]*\)) \(average mu = ([01]\.\d{3}), current mu = ([01]\.\d{3})\) ([^;]+); (.*)$/;

function runLog(result: RunResult, format: GcLogFormat): string[] {
  // Every line ends in a newline; V8's own end in "; " (an empty collector reason), which must be kept.
  return renderGcLog(format, { collector: result.collector, heapBytes: result.heapBytes }, result.timeline!).split("\n").slice(0, -1);
}

const isCollection = (kind: string) => COLLECTIONS_PROPER.includes(kind as CollectionKind);
const MiB = 1 << 20;

/** A timeline row built by hand; only the fields a log reads matter. */
function row(fields: Partial<TimelineRow> & Pick<TimelineRow, "kind" | "startNs" | "pauseNs">): TimelineRow {
  const work = Object.fromEntries(WORK_NAMES.map((w) => [w, 0])) as Record<WorkName, number>;
  return { index: 1, reason: "allocation-failure", usedBefore: 0, usedAfter: 0, liveAfter: null, footprint: 0, footprintBefore: 0, fragmentation: null, work, ...fields };
}

describe("--gc-log-format go (GODEBUG=gctrace=1)", () => {
  it("every line of every run is one GCViewer's Go reader parses, one per collection, numbered from 1", () => {
    for (const result of results) {
      const lines = runLog(result, "go");
      const collections = result.timeline!.filter((r) => isCollection(r.kind));
      expect(lines).toHaveLength(collections.length);
      lines.forEach((line, i) => {
        const m = GO_GCVIEWER.exec(line);
        expect(m, line).not.toBeNull();
        expect(Number(m![1])).toBe(i + 1);
        expect(m![2]).toBe((collections[i].startNs / 1e9).toFixed(3));
        expect(Number(m![16])).toBe(1);
      });
    }
  });

  it("maps the figures of a pause as documented", () => {
    const rows = [
      // 1 ms of mutator, a 3 ms minor pause, then a 12 ms full collection at 20 ms.
      row({ kind: "minor", startNs: 1e6, pauseNs: 3e6, usedBefore: 40 * MiB + 123, usedAfter: 9 * MiB + 5 }),
      row({ kind: "rc-cascade", startNs: 5e6, pauseNs: 1e6 }),
      row({ kind: "full", startNs: 20e6, pauseNs: 12_345_678, usedBefore: 70 * MiB, usedAfter: 31 * MiB, liveAfter: 31 * MiB }),
    ];
    expect(renderGcLog("go", { collector: "x", heapBytes: 128 * MiB }, rows).split("\n")).toEqual([
      // GC share: 3 ms of 4 ms; then (3 + 1 + 12.345678) ms of 32.345678 ms = 50.5% -> 50.
      "gc 1 @0.001s 75%: 0+0+3.0 ms clock, 0+0/0/0+3.0 ms cpu, 40->40->9 MB, 128 MB goal, 1 P",
      "gc 2 @0.020s 50%: 0+0+12 ms clock, 0+0/0/0+12 ms cpu, 70->70->31 MB, 128 MB goal, 1 P",
      "",
    ]);
  });

  it("formats milliseconds as Go's fmtNSAsMS: two significant digits, at most three decimals, whole from 10 ms", () => {
    expect(goMilliseconds(0)).toBe("0");
    expect(goMilliseconds(999)).toBe("0");
    expect(goMilliseconds(11_000)).toBe("0.011");
    expect(goMilliseconds(440_000)).toBe("0.44");
    expect(goMilliseconds(447_999)).toBe("0.44");
    expect(goMilliseconds(3_000_000)).toBe("3.0");
    expect(goMilliseconds(9_999_999)).toBe("9.9");
    expect(goMilliseconds(10_000_000)).toBe("10");
    expect(goMilliseconds(1_234_567_890)).toBe("1234");
  });
});

describe("--gc-log-format jdk (-Xlog:gc)", () => {
  it("every line of every run is one GCViewer's unified-logging reader parses as a pause with memory", () => {
    for (const result of results) {
      const [header, ...lines] = runLog(result, "jdk");
      // GCViewer logs a "Using ..." line of the gc tag without parsing it as an event.
      expect(header).toBe(`[0.000s][info][gc] Using gcsim ${result.collector}`);
      const collections = result.timeline!.filter((r) => isCollection(r.kind));
      expect(lines).toHaveLength(collections.length);
      lines.forEach((line, i) => {
        const d = JDK_DECORATORS.exec(line);
        expect(d, line).not.toBeNull();
        const g = d!.groups!;
        expect(g.level).toBe("info");
        expect(g.tags).toBe("gc");
        expect(Number(g.gcnumber)).toBe(i);
        expect(JDK_MEMORY_PAUSE_TYPES).toContain(jdkEventType(g.type));
        const tail = JDK_MEMORY_PAUSE.exec(g.tail);
        expect(tail, line).not.toBeNull();
        const c = collections[i];
        expect(Number(g.uptime)).toBeCloseTo((c.startNs + c.pauseNs) / 1e9, 3);
        expect(Number(tail![8])).toBeCloseTo(c.pauseNs / 1e6, 3);
      });
    }
  });

  it("maps the figures of a pause as documented", () => {
    const rows = [
      row({ kind: "minor", startNs: 10e6, pauseNs: 1_234_000, usedBefore: 24 * MiB + 900_000, usedAfter: 3 * MiB, footprint: 64 * MiB }),
      row({ kind: "major", reason: "promotion-guarantee", startNs: 100e6, pauseNs: 20e6, usedBefore: 60 * MiB, usedAfter: 20 * MiB, footprint: 64 * MiB }),
      row({ kind: "full", reason: "requested", startNs: 200e6, pauseNs: 1e6, usedBefore: 30 * MiB, usedAfter: 20 * MiB, footprint: 48 * MiB }),
    ];
    expect(renderGcLog("jdk", { collector: "generational", heapBytes: 64 * MiB }, rows).split("\n")).toEqual([
      "[0.000s][info][gc] Using gcsim generational",
      "[0.011s][info][gc] GC(0) Pause Young (Allocation Failure) 24M->3M(64M) 1.234ms",
      "[0.120s][info][gc] GC(1) Pause Full (Allocation Failure) 60M->20M(64M) 20.000ms",
      "[0.201s][info][gc] GC(2) Pause Full (System.gc()) 30M->20M(48M) 1.000ms",
      "",
    ]);
  });
});

describe("--gc-log-format v8 (--trace-gc)", () => {
  const logs = readdirSync("calibration/v8-gcbench").filter((f) => /^default_\d+\.log$/.test(f));

  it("the grammar matches every GC line of real Node 20 --trace-gc logs", () => {
    expect(logs.length).toBeGreaterThanOrEqual(5);
    for (const file of logs) {
      const gcLines = readFileSync(join("calibration/v8-gcbench", file), "utf8").split("\n").filter((l) => /^\[\d+:0x/.test(l));
      expect(gcLines.length).toBeGreaterThan(50);
      for (const line of gcLines) expect(V8_TRACE_GC.exec(line), `${file}: ${line}`).not.toBeNull();
    }
  });

  it("every line of every run matches the same grammar, one per collection", () => {
    for (const result of results) {
      const lines = runLog(result, "v8");
      const collections = result.timeline!.filter((r) => isCollection(r.kind));
      expect(lines).toHaveLength(collections.length);
      lines.forEach((line, i) => {
        const m = V8_TRACE_GC.exec(line);
        expect(m, line).not.toBeNull();
        expect(m![1]).toBe("0");
        expect(Number(m![3])).toBe(Math.round((collections[i].startNs + collections[i].pauseNs) / 1e6));
        expect(Number(m![11])).toBeCloseTo(collections[i].pauseNs / 1e6, 2);
      });
    }
  });

  it("maps sizes and computes mutator utilisation as V8's RecordMutatorUtilization does", () => {
    const rows = [
      row({ kind: "minor", startNs: 1e6, pauseNs: 0.5e6, usedBefore: 4.1 * MiB, footprintBefore: 4.2 * MiB, usedAfter: 1 * MiB, footprint: 5.2 * MiB }),
      row({ kind: "full", startNs: 10e6, pauseNs: 2e6, usedBefore: 31.7 * MiB, footprintBefore: 57.2 * MiB, usedAfter: 2.7 * MiB, footprint: 36.7 * MiB }),
      row({ kind: "full", reason: "requested", startNs: 20e6, pauseNs: 2e6, usedBefore: 10 * MiB, footprintBefore: 36.7 * MiB, usedAfter: 2.7 * MiB, footprint: 36.7 * MiB }),
    ];
    // First Mark-Compact ends at 12 ms: 12 ms since start, 10 of them mutator: average = current = 10/12.
    // Second ends at 22 ms: 10 ms since the first, 8 mutator: current 0.8; averages (2+2)/2 and (10+8)/2: 9/11.
    expect(renderGcLog("v8", { collector: "x", heapBytes: 64 * MiB }, rows).split("\n")).toEqual([
      "[0:0x0]        2 ms: Scavenge 4.1 (4.2) -> 1.0 (5.2) MB, 0.50 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; ",
      "[0:0x0]       12 ms: Mark-Compact 31.7 (57.2) -> 2.7 (36.7) MB, 2.00 / 0.00 ms  (average mu = 0.833, current mu = 0.833) allocation failure; ",
      "[0:0x0]       22 ms: Mark-Compact 10.0 (36.7) -> 2.7 (36.7) MB, 2.00 / 0.00 ms  (average mu = 0.818, current mu = 0.800) testing; ",
      "",
    ]);
  });
});

describe("timeline rows in results", () => {
  it("are accepted by the published result schema, with their work counters, footprint before and fragmentation", () => {
    const schema = JSON.parse(readFileSync("schema/result.schema.json", "utf8"));
    const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);
    for (const result of results) expect(validate(JSON.parse(JSON.stringify(result))), JSON.stringify(validate.errors)).toBe(true);
    // A pause's duration is the cost of its own work counters.
    for (const result of results) {
      for (const r of result.timeline!) {
        const cost = WORK_NAMES.reduce((sum, w) => sum + r.work[w] * UNIT_NS[w], 0);
        expect(cost).toBeCloseTo(r.pauseNs, 3);
      }
    }
  });
});

describe("workUnitNs", () => {
  it("is SimClock.workNs term by term, for every counter, under the default and a scrambled cost model", () => {
    const scrambled = Object.fromEntries(Object.keys(DEFAULT_COSTS).map((k, i) => [k, k === "pageBytes" ? 4096 : 3 + 7 * i])) as typeof DEFAULT_COSTS;
    for (const costs of [DEFAULT_COSTS, scrambled]) {
      const clock = new SimClock(costs);
      for (const w of WORK_NAMES) {
        const one = new WorkCounters();
        one[w] = 8;
        expect(clock.workNs(one), w).toBe(8 * workUnitNs(w, costs));
      }
    }
  });
});

describe("rows streamed during a run", () => {
  it("are the timeline's rows, in order, without the end-of-run collection", () => {
    for (const collector of ["rc", "generational"]) {
      const streamed: TimelineRow[] = [];
      const { result, timeline } = runWorkloadWithTimeline(gcbench, { collector, params, heapBytes: 256 << 10, onCollection: (r) => streamed.push(r) });
      expect(result.outcome).toBe("completed");
      expect(streamed.length).toBeGreaterThan(0);
      expect(streamed).toEqual(timeline());
      expect(streamed.at(-1)!.reason).not.toBe("end-of-run");
    }
  });
});

describe("the gc-log and trace-events options", () => {
  function gcsim(...args: string[]) {
    const r = spawnSync(process.execPath, ["bin/gcsim.js", ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  const dir = () => mkdtempSync(join(tmpdir(), "gcsim-trace-"));

  it("--gc-log - streams to stderr the lines --gc-log FILE writes, and they are the same run after run", () => {
    const file = join(dir(), "gc.log");
    const streamed = gcsim("run", "gcbench", "-c", "generational", ...SMALL_GCBENCH, "--heap", "384KiB", "--gc-log", "-", "--gc-log-format", "v8", "-f", "json");
    const written = gcsim("run", "gcbench", "-c", "generational", ...SMALL_GCBENCH, "--heap", "384KiB", "--gc-log", file, "--gc-log-format", "v8", "-f", "json");
    expect(streamed.code).toBe(0);
    expect(written.code).toBe(0);
    const result = JSON.parse(written.stdout) as RunResult;
    expect(streamed.stderr).toBe(readFileSync(file, "utf8"));
    expect(streamed.stderr.trimEnd().split("\n")).toHaveLength(result.collections.total);
  });

  it("an unknown --gc-log-format is a usage error naming the choices", () => {
    const r = gcsim("run", "linked-list", "-c", "mark-sweep", "--gc-log", "-", "--gc-log-format", "hotspot");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/go, jdk, v8/);
  });

  it("compare --trace-events writes one process per run; an unwritable path fails before any run", () => {
    const file = join(dir(), "trace.json");
    const r = gcsim("compare", "linked-list", "--collectors", "mark-sweep,copying", "--trace-events", file, "-f", "json", "-j", "1");
    expect(r.code).toBe(0);
    const trace = JSON.parse(readFileSync(file, "utf8")) as { traceEvents: TraceEvent[] };
    const names = trace.traceEvents.filter((e) => e.name === "process_name").map((e) => e.args!.name);
    expect(names).toEqual([`linked-list · mark-sweep · ${formatBytes(4 << 20)}`, `linked-list · copying · ${formatBytes(4 << 20)}`]);
    // Timelines were recorded for the trace, not asked for in the results.
    expect((JSON.parse(r.stdout) as RunResult[]).every((x) => x.timeline === undefined)).toBe(true);
    const bad = gcsim("run", "linked-list", "-c", "mark-sweep", "--trace-events", join(dir(), "missing", "t.json"));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--trace-events/);
  });
});
