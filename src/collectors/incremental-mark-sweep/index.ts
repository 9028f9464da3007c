/**
 * incremental-mark-sweep: mark-sweep whose marking is done in bounded
 * increments that stop the mutator, interleaved with it on one core (GC
 * Handbook, 2nd ed., ch. 15; Metronome's time-based pacing, Bacon et al.
 * POPL 2003; Baker's allocation-based pacing, 1978). The plan - cycle,
 * barriers, trigger, sweep, exhaustion - is in plan.ts; this file chooses
 * the schedule: `pacing=time` runs a `quantum` of marking at most once per
 * `period`; `pacing=allocation` runs an increment every `increment-bytes`
 * allocated, scanning k bytes per byte allocated.
 */
import { defineCollector } from "../collector.js";
import { choice, duration, size, type OptionSpec } from "../options.js";
import { AllocationPaced, TimeSlices } from "../pacing/schedule.js";
import { MarkingCycleCollector, markingConstraints, markingOptions } from "./plan.js";

const kOption: OptionSpec<number | null> = {
  description: "allocation pacing: bytes scanned per byte allocated; auto: the cycle's expected scan bytes over its free bytes less a reserve of 1/8 (Go's assist ratio)",
  default: "auto",
  parse(value) {
    if (value === "auto") return null;
    const n = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value) || n <= 0 || n > 1000) throw new Error("expected auto or a number above 0 and at most 1000");
    return n;
  },
};

const options = {
  ...markingOptions,
  pacing: choice(["time", "allocation"], "time", "time: a quantum of marking at most once per period (Metronome); allocation: an increment every increment-bytes allocated (Baker)"),
  period: duration("1ms", "time pacing: at most one increment starts in each period of simulated time"),
  quantum: duration("200us", "time pacing: marking work per increment (simulated ns of marking, e.g. 200us)"),
  "increment-bytes": size("64KiB", "allocation pacing: bytes allocated between increments"),
  k: kOption,
};

export default defineCollector({
  name: "incremental-mark-sweep",
  description: "mark-sweep marking in bounded increments between the mutator's steps (SATB or incremental-update barrier), swept lazily",
  constraints: markingConstraints,
  options,
  create: (context, o) =>
    new MarkingCycleCollector(
      context,
      { ...o, assists: false },
      o.pacing === "time" ? new TimeSlices(o.period, Math.min(o.quantum, o.period)) : new AllocationPaced(o["increment-bytes"], o.k),
      o.pacing === "time" ? "ns" : "bytes",
    ),
});
