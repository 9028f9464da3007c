/**
 * GC logs in the formats of three runtimes, one line per collection, so the
 * tools that read those logs (GCViewer, GCeasy, scripts written for them) read
 * gcsim's runs: Go's `GODEBUG=gctrace=1`, the JDK's unified logging
 * `-Xlog:gc`, and V8's (Node's) `--trace-gc`. Every figure comes from the
 * simulated run, so a log is the same on every machine; README ("Looking
 * inside a run") gives the mapping of each field and what has no equivalent.
 *
 * A writer is stateful (Go's cumulative GC share, V8's mutator utilisation),
 * fed every pause in order - rc's cascades too, which count towards time but
 * print no line, since they are not collections (IS_COLLECTION) - so the same
 * writer serves a log written after the run and one streamed during it.
 *
 * The pauses of an incremental or concurrent marking cycle (rows with a
 * `cycle`) are written as each runtime writes its own: Go prints one line
 * per cycle when marking ends (clock = initial mark + the concurrent phase +
 * mark termination); the JDK's concurrent collectors log "Pause Initial
 * Mark" and "Pause Remark" and no line for work between them; V8 prints the
 * final Mark-Compact with its incremental steps in "(+ ... ms in N steps
 * since start of marking, ...)". A cycle that ends stop-the-world
 * (degenerated) is logged as a full collection that finished the marking.
 */
import { IS_COLLECTION, type CollectionKind, type TimelineRow } from "./result.js";

export const GC_LOG_FORMATS = ["go", "jdk", "v8"] as const;
export type GcLogFormat = (typeof GC_LOG_FORMATS)[number];

/** What a log says about the run as a whole. */
export interface GcLogRun {
  collector: string;
  heapBytes: number;
}

export interface GcLogWriter {
  /** Lines written before the first collection (the JDK's "Using ..."). */
  header(): string[];
  /** The line for this pause, or undefined when it is not a collection. */
  line(row: TimelineRow): string | undefined;
}

const MiB = 1024 * 1024;
const isCollection = (kind: string) => IS_COLLECTION[kind as CollectionKind] === true;
/** Whole mebibytes, truncated, as Go (`>>20`) and HotSpot (`/ M`) print heap sizes. */
const wholeMiB = (bytes: number) => Math.floor(bytes / MiB);
/** Collections of the young generation only; every other collection is of the whole heap. */
const YOUNG = new Set(["minor", "coalesce"]);
/** Pauses that end an incremental or concurrent marking cycle. */
const ENDS_CYCLE = new Set(["remark", "degenerated"]);

/** The pauses of the marking cycle in progress, gathered until the pause that ends it. */
class CycleTally {
  cycle = -1;
  startNs = 0;
  /** The initial mark's pause, and the heap in use when it began. */
  initialPauseNs = 0;
  usedAtStart = 0;
  initialEndNs = 0;
  /** Pauses between the initial mark and the end: increments and assists (the mutator's own marking). */
  steps = 0;
  stepsNs = 0;
  biggestStepNs = 0;

  /** Takes a pause of a cycle into the tally (a new cycle number starts a new tally). */
  add(row: TimelineRow): void {
    if (row.cycle !== this.cycle) {
      this.cycle = row.cycle ?? -1;
      this.startNs = row.startNs;
      this.initialPauseNs = 0;
      this.usedAtStart = row.usedBefore;
      this.initialEndNs = row.startNs;
      this.steps = 0;
      this.stepsNs = 0;
      this.biggestStepNs = 0;
    }
    if (row.kind === "initial-mark") {
      this.initialPauseNs = row.pauseNs;
      this.initialEndNs = row.startNs + row.pauseNs;
    } else if (!ENDS_CYCLE.has(row.kind)) {
      this.steps++;
      this.stepsNs += row.pauseNs;
      if (row.pauseNs > this.biggestStepNs) this.biggestStepNs = row.pauseNs;
    }
  }
}

/** A pause that belongs to a marking cycle. */
const inCycle = (row: TimelineRow) => row.cycle !== null && row.cycle !== undefined;

/**
 * Go's fmtNSAsMS (runtime/mgc.go): whole milliseconds from 10 ms up, else two
 * significant digits with at most three decimals ("0.011", "0.44", "3.0").
 */
export function goMilliseconds(ns: number): string {
  const whole = Math.floor(ns);
  if (whole >= 10e6) return String(Math.floor(whole / 1e6));
  let x = Math.floor(whole / 1e3);
  if (x === 0) return "0";
  let decimals = 3;
  while (x >= 100) {
    x = Math.floor(x / 10);
    decimals--;
  }
  if (decimals === 0) return String(x);
  const digits = String(x).padStart(decimals + 1, "0");
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/**
 * Go 1.9-1.18's gctrace line (runtime package documentation, GODEBUG):
 *   gc # @#s #%: #+#+# ms clock, #+#/#/#+# ms cpu, #->#-># MB, # MB goal, # P
 * (Go 1.19+ adds "# MB stacks, # MB globals" before the P count; GCViewer's
 * DataReaderGo reads the shorter form, which is written here.)
 */
function goWriter(run: GcLogRun): GcLogWriter {
  let collections = 0;
  let gcNs = 0;
  const tally = new CycleTally();
  return {
    header: () => [],
    line(row) {
      gcNs += row.pauseNs;
      if (inCycle(row)) {
        tally.add(row);
        if (!ENDS_CYCLE.has(row.kind)) return undefined;
        collections++;
        const end = row.startNs + row.pauseNs;
        const share = end > 0 ? Math.floor((100 * gcNs) / end) : 0;
        // Go's phases: STW sweep termination (the initial mark) + concurrent mark + STW mark termination. On the cpu
        // side, the increments and assists are the mutator's assist marking; a collector thread's own work is not
        // in the timeline (result: time.concurrent), so background marking is written as 0.
        const initial = goMilliseconds(tally.initialPauseNs);
        const termination = goMilliseconds(row.pauseNs);
        return (
          `gc ${collections} @${(tally.startNs / 1e9).toFixed(3)}s ${share}%: ${initial}+${goMilliseconds(row.startNs - tally.initialEndNs)}+${termination} ms clock, ` +
          `${initial}+${goMilliseconds(tally.stepsNs)}/0/0+${termination} ms cpu, ` +
          `${wholeMiB(tally.usedAtStart)}->${wholeMiB(row.usedBefore)}->${wholeMiB(row.liveAfter ?? row.usedAfter)} MB, ${wholeMiB(run.heapBytes)} MB goal, 1 P`
        );
      }
      if (!isCollection(row.kind)) return undefined;
      collections++;
      const end = row.startNs + row.pauseNs;
      const share = end > 0 ? Math.floor((100 * gcNs) / end) : 0;
      // Every gcsim collection is one stop-the-world pause: Go's mark termination, with no concurrent phase.
      const pause = goMilliseconds(row.pauseNs);
      return (
        `gc ${collections} @${(row.startNs / 1e9).toFixed(3)}s ${share}%: 0+0+${pause} ms clock, 0+0/0/0+${pause} ms cpu, ` +
        `${wholeMiB(row.usedBefore)}->${wholeMiB(row.usedBefore)}->${wholeMiB(row.usedAfter)} MB, ${wholeMiB(run.heapBytes)} MB goal, 1 P`
      );
    },
  };
}

/** gcsim's reasons as HotSpot's GC causes (gcCause.cpp). */
const JDK_CAUSES: Record<string, string> = {
  "allocation-failure": "Allocation Failure",
  // HotSpot's serial collector, when a young collection could not promote, logs the full one with the allocation failure's cause.
  "promotion-guarantee": "Allocation Failure",
  requested: "System.gc()",
};

/** The pauses of a marking cycle as a concurrent JDK collector logs them (G1 and CMS; GCViewer's event types). */
const JDK_PAUSES: Record<string, string> = { "initial-mark": "Pause Initial Mark", remark: "Pause Remark", degenerated: "Pause Full" };

const titleCase = (reason: string) => reason.replace(/(^|-)(\w)/g, (_, dash: string, c: string) => `${dash ? " " : ""}${c.toUpperCase()}`);

/**
 * JDK unified logging, `-Xlog:gc` with the default decorations (uptime, level, tags):
 *   [0.123s][info][gc] GC(3) Pause Young (Allocation Failure) 24M->3M(64M) 1.234ms
 * The uptime is when the line is logged: the end of the pause. GC numbers start at 0.
 */
function jdkWriter(run: GcLogRun): GcLogWriter {
  let collections = 0;
  return {
    header: () => [`[0.000s][info][gc] Using gcsim ${run.collector}`],
    line(row) {
      if (!isCollection(row.kind) || row.kind === "increment") return undefined;
      const number = collections++;
      const end = row.startNs + row.pauseNs;
      const pause = JDK_PAUSES[row.kind] ?? (YOUNG.has(row.kind) ? "Pause Young" : "Pause Full");
      const cause = JDK_CAUSES[row.reason] ?? titleCase(row.reason);
      return (
        `[${(end / 1e9).toFixed(3)}s][info][gc] GC(${number}) ${pause} (${cause}) ` +
        `${wholeMiB(row.usedBefore)}M->${wholeMiB(row.usedAfter)}M(${wholeMiB(row.footprint)}M) ${(row.pauseNs / 1e6).toFixed(3)}ms`
      );
    },
  };
}

/** gcsim's reasons as V8's GarbageCollectionReason texts (heap.cc). */
const V8_REASONS: Record<string, string> = {
  "allocation-failure": "allocation failure",
  "promotion-guarantee": "allocation failure",
  requested: "testing",
};

/** The process id and isolate address V8 prints; fixed, so logs are deterministic. */
export const V8_PID_ISOLATE = "[0:0x0]";

/**
 * V8's --trace-gc line as Node 20 (V8 11.3) prints it (src/heap/gc-tracer.cc, GCTracer::Print):
 *   [pid:isolate]  %8.0f ms: Scavenge 4.1 (6.0) -> 3.2 (7.0) MB, 1.20 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; 
 * Time is milliseconds since start at the end of the pause; sizes are
 * object bytes (committed bytes) before -> after in MiB. Mutator
 * utilisation is computed as V8's RecordMutatorUtilization does, over
 * Mark-Compacts only (scavenges count as mutator time).
 */
function v8Writer(): GcLogWriter {
  let previousEnd = 0;
  let averageGc = 0;
  let averageMutator = 0;
  let current = 1;
  const mb = (bytes: number) => (bytes / MiB).toFixed(1);
  const tally = new CycleTally();
  return {
    header: () => [],
    line(row) {
      let steps = "";
      if (inCycle(row)) {
        tally.add(row);
        if (!ENDS_CYCLE.has(row.kind)) return undefined;
        // V8's incremental-marking note (GCTracer::Print): the steps are every pause of the cycle before this one.
        const stepsNs = tally.stepsNs + tally.initialPauseNs;
        const count = tally.steps + (tally.initialPauseNs > 0 ? 1 : 0);
        const biggest = Math.max(tally.biggestStepNs, tally.initialPauseNs);
        steps =
          ` (+ ${(stepsNs / 1e6).toFixed(1)} ms in ${count} steps since start of marking, biggest step ${(biggest / 1e6).toFixed(1)} ms, ` +
          `walltime since start of marking ${((row.startNs - tally.startNs) / 1e6).toFixed(0)} ms)`;
      } else if (!isCollection(row.kind)) {
        return undefined;
      }
      const young = YOUNG.has(row.kind);
      const endMs = (row.startNs + row.pauseNs) / 1e6;
      const pauseMs = row.pauseNs / 1e6;
      if (!young) {
        const total = endMs - previousEnd;
        const mutator = total - pauseMs;
        if (averageGc === 0 && averageMutator === 0) {
          averageGc = pauseMs;
          averageMutator = mutator;
        } else {
          averageGc = (averageGc + pauseMs) / 2;
          averageMutator = (averageMutator + mutator) / 2;
        }
        current = total > 0 ? mutator / total : 0;
        previousEnd = endMs;
      }
      const average = averageGc + averageMutator === 0 ? 1 : averageMutator / (averageGc + averageMutator);
      return (
        `${V8_PID_ISOLATE} ${endMs.toFixed(0).padStart(8)} ms: ${young ? "Scavenge" : "Mark-Compact"} ` +
        `${mb(row.usedBefore)} (${mb(row.footprintBefore)}) -> ${mb(row.usedAfter)} (${mb(row.footprint)}) MB, ` +
        `${pauseMs.toFixed(2)} / 0.00 ms ${steps} (average mu = ${average.toFixed(3)}, current mu = ${current.toFixed(3)}) ` +
        `${V8_REASONS[row.reason] ?? row.reason.replace(/-/g, " ")}; `
      );
    },
  };
}

export function gcLogWriter(format: GcLogFormat, run: GcLogRun): GcLogWriter {
  const writers = { go: goWriter, jdk: jdkWriter, v8: v8Writer } satisfies Record<GcLogFormat, (run: GcLogRun) => GcLogWriter>;
  return writers[format](run);
}

/** A whole log from a run's timeline: the header, then one line per collection. */
export function renderGcLog(format: GcLogFormat, run: GcLogRun, rows: readonly TimelineRow[]): string {
  const writer = gcLogWriter(format, run);
  const lines = writer.header();
  for (const row of rows) {
    const line = writer.line(row);
    if (line !== undefined) lines.push(line);
  }
  return lines.map((l) => `${l}\n`).join("");
}
