// What the live-size probe really traces on GCBench, per collector (src/metrics/peak-live.ts):
// its traces, how many stayed incremental, and the bytes they scanned, against what the same
// traces made from scratch would have scanned (the budget's count). Deterministic; run after a build.
//   node bench/probe-traces.mjs [workload] [heap]
import { IncrementalLiveTracer } from "../dist/metrics/peak-live.js";
import { runWorkload } from "../dist/sim/run.js";
import { loadWorkload } from "../dist/workload/load.js";

const [file = "workloads/gcbench.json"] = process.argv.slice(2);
const CONFIGS = [["mark-sweep", 32], ["copying", 64], ["mark-compact", 32], ["generational", 32], ["rc", 32], ["rc:cycles=backup-trace", 32], ["none", 512]];

let tracer;
let fromScratch = 0;
const measure = IncrementalLiveTracer.prototype.measure;
IncrementalLiveTracer.prototype.measure = function () {
  tracer = this;
  const live = measure.call(this);
  fromScratch += live;
  return live;
};

const workload = loadWorkload(file);
const mb = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`.padStart(8);
console.log(`${"collector".padEnd(24)} heap      traces  incremental   full   scanned  from scratch`);
for (const [collector, heapMiB] of CONFIGS) {
  fromScratch = 0;
  const r = runWorkload(workload, { collector, heapBytes: heapMiB << 20 });
  if (r.outcome !== "completed") throw new Error(`${collector}: ${r.outcome}`);
  const t = tracer;
  console.log(
    `${collector.padEnd(24)} ${`${heapMiB} MiB`.padEnd(8)} ${String(t.incrementalTraces + t.fullTraces).padStart(7)} ${String(t.incrementalTraces).padStart(12)} ${String(t.fullTraces).padStart(6)} ${mb(t.scannedBytes)} ${mb(fromScratch)}`,
  );
}
