/**
 * Runs as Chrome Trace Event Format JSON (the format ui.perfetto.dev and
 * chrome://tracing open; "Trace Event Format", Google, 2016): one process per
 * run, each with a mutator track, a collector track and counter tracks, on the
 * simulated clock. A pure function of results recorded with their timelines.
 *
 *   - process: one per run (pid 1, 2, ... in the order given), named
 *     "workload · collector label · heap"; all runs start at simulated time
 *     0, so runs opened together line up on one time axis.
 *   - thread 1 "mutator": one "mutator" slice between consecutive pauses.
 *   - thread 2 "collector": one slice per pause (name: its kind; args: the
 *     reason, heap figures, the pause's work counters), and inside it, as
 *     nested slices, its phases (PHASES below).
 *   - counters: "heap used bytes" at the start and end of every pause,
 *     "heap footprint bytes" likewise, "heap live bytes" after full
 *     collections only and "fragmentation ratio" after full collections only:
 *     where a figure is not measured it is left out, never written as 0.
 *
 * Phases are derived, not observed: gcsim records the work counters of each
 * whole pause, and a phase's duration is exactly the cost model's charge for
 * the counters that belong to it (marking: objectsMarked × objectMarked +
 * slotsScanned × slotScanned; sweeping: cellsSwept × cellSwept; ...). The
 * phases are laid out one after another in a fixed, conventional order, so
 * their durations sum to the pause (the pause is the cost of its counters);
 * the order is not one the collector was observed to follow.
 *
 * Folding: reference counting frees garbage in cascades, one pause each,
 * mostly of one object (rc on GCBench: about 90,000 of them, 92 MB of trace).
 * A cascade shorter than FOLD_BELOW_NS is folded: consecutive folded
 * cascades in the same FOLD_BUCKET_NS window of simulated time become one
 * "rc-cascades (folded)" slice (cat "gc.folded") from the first one's start
 * to the last one's end, with args count, pauseNs (their total) and their
 * summed work; the heap counters are written once, at its end. The mutator
 * track is not split at folded cascades (its slice runs through them), so a
 * folded slice overlaps mutator time; every other pause still tiles the
 * run with the mutator slices. A group closes at any pause not folded.
 *
 * Timestamps are microseconds (the format's unit), from simulated ns rounded
 * to whole ns, written so that both ways trace processors read them (ts×1000
 * truncated, or rounded) give back that ns exactly: nested slices then nest
 * exactly. No `displayTimeUnit` is written: some Perfetto versions take it as
 * the unit of `ts`.
 */
import { workUnitNs } from "../metrics/clock.js";
import type { WorkName } from "../metrics/collection-log.js";
import type { CostModel } from "../metrics/cost-model.js";
import { formatBytes } from "./format.js";
import { labelOf, PAUSE_FLOOR_NS, type RunResult, type TimelineRow } from "./result.js";

const MUTATOR_TID = 1;
const COLLECTOR_TID = 2;

/** rc cascades shorter than this (simulated ns) are folded: pauses.atLeast1us's floor, below which a pause is noise to a latency reader. */
export const FOLD_BELOW_NS = PAUSE_FLOOR_NS;
/** Folded cascades are grouped per window of this much simulated time (1 ms). */
export const FOLD_BUCKET_NS = 1_000_000;

/** Whether a pause is folded with its neighbours (see the header). */
export function isFolded(row: Pick<TimelineRow, "kind" | "pauseNs">): boolean {
  return row.kind === "rc-cascade" && row.pauseNs < FOLD_BELOW_NS;
}

/** One derived phase of a pause: its name, the counters charged to it, and its simulated duration. */
export interface Phase {
  name: string;
  work: Partial<Record<WorkName, number>>;
  ns: number;
}

/**
 * Which counters make up each phase, in layout order. Two depend on the pause:
 * slotsScanned is Cheney scanning (part of "copy") in a pause that copied
 * more objects than it marked (a copying collector marks only the large
 * objects it keeps in place), else marking's scanning; and a pause that moves objects it
 * has marked (mark-compact, generational's major collection over a
 * mark-compact mature space) is "compact", whose walk over the cells is
 * counted in cellsSwept. rc's cycle collection (trial deletion) is "cycle
 * collection" rather than "mark".
 */
export function phasesOf(row: Pick<TimelineRow, "kind" | "work">, costs: CostModel, compacting: boolean): Phase[] {
  const w = row.work;
  // A copying pause marks only the large objects it keeps in place (never more than it copies).
  const copyingScan = w.objectsCopied > 0 && w.objectsMarked < w.objectsCopied;
  const moving: WorkName[] = ["objectsCopied", "bytesCopied", ...(copyingScan ? (["slotsScanned"] as const) : [])];
  const layout: [string, WorkName[]][] = [
    ["safepoint", ["safepoints"]],
    ["roots", ["rootsScanned"]],
    ["remembered set", ["remsetEntriesProcessed"]],
    [row.kind === "cycle" ? "cycle collection" : "mark", ["objectsMarked", ...(copyingScan ? [] : (["slotsScanned"] as const))]],
    compacting ? ["compact", [...moving, "cellsSwept"]] : ["copy", moving],
    ...(compacting ? [] : [["sweep", ["cellsSwept"]] as [string, WorkName[]]]),
    ["reference counts", ["rcIncrements", "rcDecrements"]],
    ["free", ["objectsFreed"]],
    ["page reset", ["pagesPrepared"]],
    ["first touch", ["pagesTouched"]],
    ["other", ["barrierExecutions", "allocationSlowPaths"]],
  ];
  const phases: Phase[] = [];
  for (const [name, names] of layout) {
    const work: Partial<Record<WorkName, number>> = {};
    let ns = 0;
    for (const n of names) {
      if (w[n] === 0) continue;
      work[n] = w[n];
      ns += w[n] * workUnitNs(n, costs);
    }
    if (Object.keys(work).length > 0) phases.push({ name, work, ns });
  }
  return phases;
}

/** Whether a run's pauses of this kind compact (move the objects they marked): mark-compact, and generational's majors over a mark-compact mature space. */
function compacts(result: RunResult, kind: string): boolean {
  return result.collector === "mark-compact" || (result.collector === "generational" && kind === "major" && result.options.mature === "mark-compact");
}

/**
 * Simulated ns as a `ts`/`dur` value in µs: the whole ns divided by 1000 to
 * three decimals, plus a ten-thousandth of a ns where the decimal's nearest
 * double times 1000 would truncate to one ns less (so a reader that truncates
 * gets the same ns as one that rounds).
 */
export function microseconds(ns: number): string {
  const text = `${Math.floor(ns / 1000)}.${String(ns % 1000).padStart(3, "0")}`;
  return Math.trunc(Number(text) * 1000) === ns ? text : `${text}1`;
}

/** The trace's events for one run, as JSON texts (one per event). */
function runEvents(result: RunResult, pid: number, out: string[]): void {
  const rows = result.timeline ?? [];
  const heap = formatBytes(result.heapBytes);
  const factor = result.sweep ? ` (${result.sweep.factor}× min heap)` : "";
  const meta = (name: string, args: object, tid?: number) => out.push(JSON.stringify({ ph: "M", name, pid, ...(tid === undefined ? {} : { tid }), args }));
  meta("process_name", { name: `${result.workload} · ${labelOf(result)} · ${heap}${factor}` });
  meta("process_sort_index", { sort_index: pid });
  meta("thread_name", { name: "mutator" }, MUTATOR_TID);
  meta("thread_sort_index", { sort_index: MUTATOR_TID }, MUTATOR_TID);
  meta("thread_name", { name: "collector" }, COLLECTOR_TID);
  meta("thread_sort_index", { sort_index: COLLECTOR_TID }, COLLECTOR_TID);

  const slice = (tid: number, name: string, cat: string, start: number, end: number, args?: object) =>
    out.push(`{"ph":"X","pid":${pid},"tid":${tid},"name":${JSON.stringify(name)},"cat":"${cat}","ts":${microseconds(start)},"dur":${microseconds(end - start)}${args ? `,"args":${JSON.stringify(args)}` : ""}}`);
  const counter = (name: string, key: string, at: number, value: number) =>
    out.push(`{"ph":"C","pid":${pid},"tid":${COLLECTOR_TID},"name":"${name}","ts":${microseconds(at)},"args":{"${key}":${value}}}`);

  counter("heap used", "bytes", 0, 0);
  let mutatorFrom = 0;
  // The open group of folded cascades, if any.
  let group: { bucket: number; from: number; to: number; count: number; pauseNs: number; work: Record<string, number>; last: TimelineRow } | undefined;
  const closeGroup = () => {
    if (!group) return;
    slice(COLLECTOR_TID, "rc-cascades (folded)", "gc.folded", group.from, group.to, { count: group.count, pauseNs: group.pauseNs, work: group.work });
    counter("heap used", "bytes", group.to, group.last.usedAfter);
    counter("heap footprint", "bytes", group.to, group.last.footprint);
    group = undefined;
  };
  for (const row of rows) {
    const start = Math.round(row.startNs);
    const end = Math.max(start, Math.round(row.startNs + row.pauseNs));
    if (isFolded(row)) {
      const bucket = Math.floor(start / FOLD_BUCKET_NS);
      if (group && group.bucket !== bucket) closeGroup();
      group ??= { bucket, from: start, to: end, count: 0, pauseNs: 0, work: {}, last: row };
      group.to = end;
      group.count++;
      group.pauseNs += row.pauseNs;
      group.last = row;
      for (const [name, value] of Object.entries(row.work)) if (value !== 0) group.work[name] = (group.work[name] ?? 0) + value;
      continue;
    }
    closeGroup();
    if (start > mutatorFrom) slice(MUTATOR_TID, "mutator", "mutator", mutatorFrom, start);
    mutatorFrom = end;
    const work = Object.fromEntries(Object.entries(row.work).filter(([, v]) => v !== 0));
    slice(COLLECTOR_TID, row.kind, "gc", start, end, {
      index: row.index,
      reason: row.reason,
      pauseNs: row.pauseNs,
      usedBefore: row.usedBefore,
      usedAfter: row.usedAfter,
      ...(row.liveAfter === null ? {} : { liveAfter: row.liveAfter }),
      footprintBefore: row.footprintBefore,
      footprintAfter: row.footprint,
      ...(row.fragmentation === null ? {} : { fragmentation: row.fragmentation }),
      work,
    });
    // Phase boundaries are rounded to whole ns and kept inside the pause; the last phase ends with it.
    const phases = phasesOf(row, result.costModel, compacts(result, row.kind));
    let at = row.startNs;
    let from = start;
    phases.forEach((phase, i) => {
      at += phase.ns;
      const to = i === phases.length - 1 ? end : Math.min(end, Math.max(from, Math.round(at)));
      if (to > from) slice(COLLECTOR_TID, phase.name, "gc.phase", from, to, { ns: phase.ns, ...phase.work });
      from = to;
    });
    counter("heap used", "bytes", start, row.usedBefore);
    counter("heap used", "bytes", end, row.usedAfter);
    counter("heap footprint", "bytes", start, row.footprintBefore);
    counter("heap footprint", "bytes", end, row.footprint);
    if (row.liveAfter !== null) counter("heap live", "bytes", end, row.liveAfter);
    if (row.fragmentation !== null) counter("fragmentation", "ratio", end, row.fragmentation);
  }
  closeGroup();
  const total = Math.round(result.time.total);
  if (total > mutatorFrom) slice(MUTATOR_TID, "mutator", "mutator", mutatorFrom, total);
}

/**
 * The Trace Event Format JSON object of the given runs (each recorded with its
 * timeline), one event per line: {"traceEvents": [...], "otherData": {...}}.
 */
export function renderTraceEvents(results: readonly RunResult[]): string {
  const events: string[] = [];
  results.forEach((r, i) => runEvents(r, i + 1, events));
  const otherData = {
    generator: `gcsim ${results[0]?.gcsim ?? ""}`.trim(),
    clock: "simulated time (README: Simulated time); ts and dur in µs",
    phases: "derived from each pause's work counters: a phase lasts the cost model's charge for its counters (README: Looking inside a run)",
  };
  return `{"traceEvents":[\n${events.join(",\n")}\n],\n"otherData":${JSON.stringify(otherData)}}\n`;
}
