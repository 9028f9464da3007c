// npm run bench: whole-process wall time of GCBench under every collector, alternating with
// native JavaScript GCBench runs on the same machine. Prints a table and writes results/bench.json.
// Usage: npm run bench [-- --runs N]
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";

const runsFlag = process.argv.indexOf("--runs");
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 5;
// Fixed heaps until a minimum-heap search exists: GCBench's default for the collectors,
// and room for every allocation for the no-GC baseline.
const configs = [
  { collector: "none", heap: "512MiB" },
  { collector: "mark-sweep", heap: "64MiB" },
  { collector: "copying", heap: "64MiB" },
];

function timed(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  const bench = /BENCH (.*)/.exec(r.stderr);
  return { ms, stdout: r.stdout, maxRssKiB: bench ? JSON.parse(bench[1]).maxRssKiB : undefined };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const samples = Object.fromEntries(configs.map((c) => [c.collector, { wall: [], ratio: [], rss: [], objects: 0 }]));
const native = [];
for (let run = 0; run < RUNS; run++) {
  const n = timed(["bench/gcbench-native.mjs"]).ms;
  native.push(n);
  for (const c of configs) {
    const r = timed(["bench/measure.mjs", "run", "workloads/gcbench.json", "--collector", c.collector, "--heap", c.heap, "--format", "json"]);
    const s = samples[c.collector];
    s.wall.push(r.ms);
    s.ratio.push(r.ms / n);
    s.rss.push(r.maxRssKiB);
    s.objects = JSON.parse(r.stdout).allocated.objects;
  }
  process.stderr.write(`run ${run + 1}/${RUNS} done\n`);
}

const rows = configs.map((c) => {
  const s = samples[c.collector];
  const wallMs = median(s.wall);
  return {
    collector: c.collector,
    heap: c.heap,
    runs: RUNS,
    medianWallMs: Math.round(wallMs),
    ratioToNative: Number(median(s.ratio).toFixed(2)),
    allocationsPerWallSecond: Math.round(s.objects / (wallMs / 1000)),
    peakRssMiB: Math.round(Math.max(...s.rss) / 1024),
  };
});
const report = {
  machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
  native: { medianWallMs: Math.round(median(native)), runs: RUNS },
  gcbench: rows,
};

console.log(`GCBench, whole-process wall time, median of ${RUNS} runs (native JavaScript: ${report.native.medianWallMs} ms)`);
console.log("collector     heap     wall ms   x native   allocations/s   peak RSS");
for (const r of rows) {
  console.log(
    `${r.collector.padEnd(12)}  ${r.heap.padEnd(7)}  ${String(r.medianWallMs).padStart(7)}   ${r.ratioToNative.toFixed(2).padStart(8)}   ${r.allocationsPerWallSecond.toLocaleString("en-US").padStart(13)}   ${String(r.peakRssMiB).padStart(5)} MiB`,
  );
}
writeFileSync("results/bench.json", JSON.stringify(report, null, 2) + "\n");
console.log("wrote results/bench.json");
