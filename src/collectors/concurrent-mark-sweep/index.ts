/**
 * concurrent-mark-sweep: mark-sweep whose marking runs on a collector thread
 * beside the mutator, on a share of another simulated core (`cpu`); the
 * mutator stops only for the initial mark and the remark, and, with assists
 * on, marks inline when its allocation outruns the thread (Go's mutator
 * assists). GC Handbook, 2nd ed., ch. 16; MMTk's ConcurrentImmix for the
 * remark at the next poll once the thread's work runs out. The plan is
 * incremental-mark-sweep's (../incremental-mark-sweep/plan.ts) with a
 * CollectorThread schedule.
 */
import { defineCollector } from "../collector.js";
import { choice, decimal } from "../options.js";
import { CollectorThread } from "../pacing/schedule.js";
import { MarkingCycleCollector, markingConstraints, markingOptions } from "../incremental-mark-sweep/plan.js";

const options = {
  ...markingOptions,
  cpu: decimal(0.01, 1, "1", "share of a second core the collector thread runs on: 1 is a dedicated core, 0.25 Go's background utilisation"),
  assists: choice(["on", "off"], "on", "on: an allocation that outruns marking by 64 KiB marks the difference inline (an assist event)"),
};

export default defineCollector({
  name: "concurrent-mark-sweep",
  description: "mark-sweep marking on a collector thread beside the mutator (SATB or incremental-update barrier), with mutator assists, swept lazily",
  constraints: markingConstraints,
  options,
  create: (context, o) => new MarkingCycleCollector(context, { ...o, assists: o.assists === "on" }, new CollectorThread(o.cpu), "ns"),
});
