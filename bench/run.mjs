// npm run bench: how fast gcsim is against the real thing, on this machine.
//  1. GCBench: whole-process wall time of `gcsim run workloads/gcbench.json` under every
//     collector at twice that collector's minimum heap (found first with `gcsim minheap`;
//     `none` at a fixed 512MiB, room for its whole allocation volume), alternating with
//     GCBench written directly in JavaScript (bench/gcbench-native.mjs) run by node.
//     Per collector: median wall time of the runs, ratio to native (median of the pairwise
//     ratios), simulated allocations per wall-second, peak resident memory.
//  2. Scaling: binary-trees at N = 16, 18, 20, 21 under generational, wall time per million
//     allocations (heap: four times the stretch tree, which is the peak live data).
// Prints the figures and writes them to results/bench.json.  Usage: npm run bench [-- --runs N]
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const RUNS = Number(arg("--runs", 5));
const SCALING = arg("--scaling", "16,18,20,21").split(",").filter(Boolean).map(Number);
const COLLECTORS = ["none", "mark-sweep", "copying", "mark-compact", "generational", "rc"];

function gcsim(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["bench/measure.mjs", ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`gcsim ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  const bench = /BENCH (.*)/.exec(r.stderr);
  return { ms, stdout: r.stdout, maxRssKiB: bench ? JSON.parse(bench[1]).maxRssKiB : undefined };
}

function native() {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["bench/gcbench-native.mjs"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`native GCBench failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const log = (line) => process.stderr.write(`${line}\n`);

// 1. Heaps: twice each collector's minimum heap.
const heaps = {};
for (const collector of COLLECTORS) {
  if (collector === "none") {
    heaps[collector] = 512 * 1024 * 1024;
    continue;
  }
  const min = JSON.parse(gcsim(["minheap", "workloads/gcbench.json", "-c", collector, "-f", "json"]).stdout);
  heaps[collector] = 2 * min.minHeapBytes;
  log(`${collector}: minimum heap ${min.minHeapBytes} bytes, benchmarking at ${heaps[collector]}`);
}

// 2. Alternating runs.
const samples = Object.fromEntries(COLLECTORS.map((c) => [c, { wall: [], ratio: [], rss: [], objects: 0 }]));
const nativeMs = [];
for (let run = 0; run < RUNS; run++) {
  const n = native();
  nativeMs.push(n);
  for (const collector of COLLECTORS) {
    const r = gcsim(["run", "workloads/gcbench.json", "-c", collector, "--heap", String(heaps[collector]), "-f", "json", "--quiet"]);
    const s = samples[collector];
    s.wall.push(r.ms);
    s.ratio.push(r.ms / n);
    s.rss.push(r.maxRssKiB);
    s.objects = JSON.parse(r.stdout).allocated.objects;
  }
  log(`GCBench run ${run + 1}/${RUNS} done`);
}
const gcbench = COLLECTORS.map((collector) => {
  const s = samples[collector];
  const wallMs = median(s.wall);
  return {
    collector,
    heapBytes: heaps[collector],
    runs: RUNS,
    medianWallMs: Math.round(wallMs),
    ratioToNative: Number(median(s.ratio).toFixed(2)),
    allocationsPerWallSecond: Math.round(s.objects / (wallMs / 1000)),
    peakRssMiB: Math.round(Math.max(...s.rss) / 1024),
    heapPlus150MiB: Math.round(heaps[collector] / 1048576 + 150),
  };
});

// 3. Scaling series.
const scaling = [];
for (const n of SCALING) {
  const stretchBytes = (2 ** (n + 2) - 1) * 24;
  const heapBytes = Math.ceil((4 * stretchBytes) / 1048576) * 1048576;
  // N=21 executes more statements than the default --max-ops allows.
  const r = gcsim(["run", "workloads/binary-trees.json", "-c", "generational", "--param", `N=${n}`, "--heap", String(heapBytes), "--max-ops", "100000000000", "-f", "json", "--quiet"]);
  const objects = JSON.parse(r.stdout).allocated.objects;
  scaling.push({ N: n, heapBytes, allocations: objects, wallMs: Math.round(r.ms), msPerMillionAllocations: Number(((r.ms / objects) * 1e6).toFixed(1)), peakRssMiB: Math.round(r.maxRssKiB / 1024) });
  log(`binary-trees N=${n}: ${objects} allocations in ${Math.round(r.ms)} ms`);
}

const report = {
  machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  native: { medianWallMs: Math.round(median(nativeMs)), runs: RUNS },
  gcbench,
  scaling,
};

console.log(`GCBench, whole-process wall time, median of ${RUNS} runs; native JavaScript GCBench: ${report.native.medianWallMs} ms`);
console.log("collector       heap (2x min)   wall ms   x native   allocations/s   peak RSS   (heap + 150 MiB)");
for (const r of gcbench) {
  console.log(
    `${r.collector.padEnd(14)}  ${`${(r.heapBytes / 1048576).toFixed(1)} MiB`.padStart(13)}   ${String(r.medianWallMs).padStart(7)}   ${r.ratioToNative.toFixed(2).padStart(8)}   ${r.allocationsPerWallSecond.toLocaleString("en-US").padStart(13)}   ${`${r.peakRssMiB} MiB`.padStart(8)}   (${r.heapPlus150MiB} MiB)`,
  );
}
if (scaling.length > 0) {
  console.log("\nbinary-trees under generational: wall time per million allocations");
  for (const s of scaling) {
    console.log(`N=${String(s.N).padEnd(3)} ${s.allocations.toLocaleString("en-US").padStart(12)} allocations  ${String(s.wallMs).padStart(7)} ms  ${s.msPerMillionAllocations.toFixed(1).padStart(6)} ms/M  peak RSS ${s.peakRssMiB} MiB`);
  }
  const first = scaling[0];
  const last = scaling[scaling.length - 1];
  console.log(`N=${last.N} / N=${first.N}: ${(last.msPerMillionAllocations / first.msPerMillionAllocations).toFixed(2)}x per allocation`);
}
writeFileSync("results/bench.json", JSON.stringify(report, null, 2) + "\n");
console.log("wrote results/bench.json");
