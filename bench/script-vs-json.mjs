// The TypeScript port of GCBench against the JSON GCBench: CPU time (user + sys) of each run in
// one process (so tsx's start-up is not counted), alternating, per collector; prints the median
// of each and their ratio. Needs a build (npm run build).
//   node bench/script-vs-json.mjs [PAIRS] [--full]   (default: 5 pairs of a reduced GCBench, depths 17/15/15)
import { importWorkload, runWorkload } from "../dist/index.js";

const full = process.argv.includes("--full");
const pairs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 5);
const params = full ? {} : { kStretchTreeDepth: 17, kLongLivedTreeDepth: 15, kMaxTreeDepth: 15 };
const json = await importWorkload("workloads/gcbench.json", params);
const script = await importWorkload("examples/workloads/gcbench.ts", params);

function cpuMs(workload, collector) {
  const start = process.cpuUsage();
  const r = runWorkload(workload, { collector, params });
  if (r.outcome !== "completed") throw new Error(`${collector}: ${r.outcome} ${r.error?.message ?? ""}`);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const collector of ["mark-sweep", "copying"]) {
  const a = [];
  const b = [];
  for (let i = 0; i < pairs; i++) {
    a.push(cpuMs(json, collector));
    b.push(cpuMs(script, collector));
  }
  console.log(`${collector}: JSON ${median(a).toFixed(0)} ms, TypeScript ${median(b).toFixed(0)} ms (CPU, medians of ${pairs}), ratio ${(median(b) / median(a)).toFixed(2)}`);
}
