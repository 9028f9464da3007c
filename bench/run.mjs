// npm run bench: how fast gcsim is against the real thing, on this machine.
//  1. GCBench: whole-process wall and CPU time of `gcsim run workloads/gcbench.json` under every
//     collector at twice that collector's minimum heap (found first with `gcsim minheap`; `none`
//     at a fixed 512MiB, room for its whole allocation volume), each run alternating with GCBench
//     written directly in JavaScript (bench/gcbench-native.mjs) run by node. Per collector: median
//     wall and CPU time, the ratio to native (median of the pairwise ratios, wall and CPU),
//     simulated allocations per wall-second, peak resident memory against the heap + 100 MiB,
//     and the shares of the process's wall time spent in the live-size probe's traces and in
//     end-of-run accounting (the results' wall.liveProbeMs and wall.endOfRunMs). Each collector
//     also runs with --peak-live-precision off (again alternating with native), so the table
//     tells the simulation's speed apart from the cost of measuring peak live exactly.
//     rc runs twice: trial deletion (the default) and cycles=backup-trace, whose wall ratio is
//     checked against issue 18's acceptance line (at most 3.5x native).
//  2. Start-up: `gcsim run bench/startup.json` (one allocation) alternating with `node -e 0`:
//     median of the pairwise differences, wall and CPU.
//  3. Scaling: binary-trees at N = 16, 18, 20, 21 under each tracing collector (heap: four times
//     the stretch tree, the peak live data): time per million allocations, wall and CPU, and the
//     ratio of the largest N to the smallest.
// Every process runs with bench/usage.mjs preloaded, which reports its CPU time and peak RSS.
// Prints the figures and writes them to results/bench.json.
//   npm run bench [-- --runs N] [--startup-runs N] [--scaling 16,18,20,21] [--scaling-collectors a,b]
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const list = (value) => value.split(",").filter(Boolean);
const RUNS = Number(arg("--runs", 5));
const STARTUP_RUNS = Number(arg("--startup-runs", 15));
const SCALING = list(arg("--scaling", "16,18,20,21")).map(Number);
const SCALING_COLLECTORS = list(arg("--scaling-collectors", "mark-sweep,copying,mark-compact,generational"));
const COLLECTORS = ["none", "mark-sweep", "copying", "mark-compact", "generational", "rc", "rc:cycles=backup-trace"];
/** Issue 18's acceptance: rc with cycle detection by backup tracing at most this many times native GCBench (wall). */
const RC_BACKUP_TRACE_TARGET = 3.5;
const MiB = 1048576;

/** Runs `node --import bench/usage.mjs ...args`: wall ms (timed from here), CPU ms and peak RSS (reported by the process). */
function measured(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--import", "./bench/usage.mjs", ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  const usage = JSON.parse(/BENCH (.*)/.exec(r.stderr)[1]);
  return { wallMs, cpuMs: usage.cpuMs, maxRssKiB: usage.maxRssKiB, stdout: r.stdout };
}
const gcsim = (args) => measured(["bin/gcsim.js", ...args]);
const native = () => measured(["bench/gcbench-native.mjs"]);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const log = (line) => process.stderr.write(`${line}\n`);
const pad = (v, n) => String(v).padStart(n);

// 1. GCBench at twice each collector's minimum heap, alternating with native GCBench.
const heaps = {};
for (const collector of COLLECTORS) {
  if (collector === "none") {
    heaps[collector] = 512 * MiB;
    continue;
  }
  const min = JSON.parse(gcsim(["minheap", "workloads/gcbench.json", "-c", collector, "-f", "json"]).stdout);
  heaps[collector] = 2 * min.minHeapBytes;
  log(`${collector}: minimum heap ${min.minHeapBytes} bytes, benchmarking at ${heaps[collector]}`);
}
const newSamples = () => ({ wall: [], cpu: [], wallRatio: [], cpuRatio: [], rss: [], probeShare: [], endShare: [], objects: 0 });
const samples = Object.fromEntries(COLLECTORS.map((c) => [c, newSamples()]));
const unprobed = Object.fromEntries(COLLECTORS.map((c) => [c, newSamples()]));
const nativeRuns = { wall: [], cpu: [], rss: [] };
/** One gcsim run of GCBench right after a native one, into `s`. */
function pair(s, collector, extra) {
  const n = native();
  nativeRuns.wall.push(n.wallMs);
  nativeRuns.cpu.push(n.cpuMs);
  nativeRuns.rss.push(n.maxRssKiB);
  const r = gcsim(["run", "workloads/gcbench.json", "-c", collector, "--heap", String(heaps[collector]), "-f", "json", "--quiet", ...extra]);
  const result = JSON.parse(r.stdout);
  s.wall.push(r.wallMs);
  s.cpu.push(r.cpuMs);
  s.wallRatio.push(r.wallMs / n.wallMs);
  s.cpuRatio.push(r.cpuMs / n.cpuMs);
  s.rss.push(r.maxRssKiB);
  s.probeShare.push((result.wall.liveProbeMs ?? 0) / r.wallMs);
  s.endShare.push(result.wall.endOfRunMs / r.wallMs);
  s.objects = result.allocated.objects;
}
for (let run = 0; run < RUNS; run++) {
  for (const collector of COLLECTORS) {
    pair(samples[collector], collector, []);
    pair(unprobed[collector], collector, ["--peak-live-precision", "off"]);
  }
  log(`GCBench pair ${run + 1}/${RUNS} done`);
}
const gcbench = COLLECTORS.map((collector) => {
  const s = samples[collector];
  const wallMs = median(s.wall);
  return {
    collector,
    heapBytes: heaps[collector],
    pairs: RUNS,
    medianWallMs: Math.round(wallMs),
    medianCpuMs: Math.round(median(s.cpu)),
    wallRatioToNative: Number(median(s.wallRatio).toFixed(2)),
    cpuRatioToNative: Number(median(s.cpuRatio).toFixed(2)),
    allocationsPerWallSecond: Math.round(s.objects / (wallMs / 1000)),
    peakRssMiB: Math.round(Math.max(...s.rss) / 1024),
    heapPlus100MiB: Math.round(heaps[collector] / MiB + 100),
    liveProbeShare: Number(median(s.probeShare).toFixed(3)),
    endOfRunShare: Number(median(s.endShare).toFixed(3)),
    withoutProbe: { medianWallMs: Math.round(median(unprobed[collector].wall)), wallRatioToNative: Number(median(unprobed[collector].wallRatio).toFixed(2)), cpuRatioToNative: Number(median(unprobed[collector].cpuRatio).toFixed(2)) },
  };
});

// 2. Start-up above bare node.
const startupPairs = { wall: [], cpu: [] };
for (let run = 0; run < STARTUP_RUNS; run++) {
  const bare = measured(["-e", "0"]);
  const own = gcsim(["run", "bench/startup.json", "-c", "none", "-f", "json", "--quiet"]);
  startupPairs.wall.push(own.wallMs - bare.wallMs);
  startupPairs.cpu.push(own.cpuMs - bare.cpuMs);
}
const startup = { pairs: STARTUP_RUNS, wallMsAboveNode: Number(median(startupPairs.wall).toFixed(1)), cpuMsAboveNode: Number(median(startupPairs.cpu).toFixed(1)) };
log(`start-up: ${startup.wallMsAboveNode} ms wall, ${startup.cpuMsAboveNode} ms CPU above node -e 0`);

// 3. Scaling series.
const scaling = [];
for (const collector of SCALING_COLLECTORS) {
  for (const n of SCALING) {
    const stretchBytes = (2 ** (n + 2) - 1) * 24;
    const heapBytes = Math.ceil((4 * stretchBytes) / MiB) * MiB;
    // N=21 executes more statements than the default --max-ops allows.
    const r = gcsim(["run", "workloads/binary-trees.json", "-c", collector, "--param", `N=${n}`, "--heap", String(heapBytes), "--max-ops", "100000000000", "-f", "json", "--quiet"]);
    const objects = JSON.parse(r.stdout).allocated.objects;
    scaling.push({
      collector,
      N: n,
      heapBytes,
      allocations: objects,
      wallMs: Math.round(r.wallMs),
      cpuMs: Math.round(r.cpuMs),
      wallMsPerMillion: Number(((r.wallMs / objects) * 1e6).toFixed(1)),
      cpuMsPerMillion: Number(((r.cpuMs / objects) * 1e6).toFixed(1)),
      peakRssMiB: Math.round(r.maxRssKiB / 1024),
    });
    log(`binary-trees ${collector} N=${n}: ${objects} allocations in ${Math.round(r.wallMs)} ms`);
  }
}

const report = {
  machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  native: { pairs: 2 * RUNS * COLLECTORS.length, medianWallMs: Math.round(median(nativeRuns.wall)), medianCpuMs: Math.round(median(nativeRuns.cpu)), peakRssMiB: Math.round(Math.max(...nativeRuns.rss) / 1024) },
  gcbench,
  startup,
  scaling,
};

const nat = report.native;
console.log(`GCBench, whole process, ${RUNS} runs per collector, each alternating with native JavaScript GCBench (native: median ${nat.medianWallMs} ms wall, ${nat.medianCpuMs} ms CPU, peak RSS ${nat.peakRssMiB} MiB)`);
console.log("x native: median of the pairwise ratios; probe, end: median shares of the process's wall time in the live-size probe and in end-of-run accounting");
console.log("collector                heap (2x min)   wall ms  x native    CPU ms  x native  probe    end   allocations/s   peak RSS  (heap + 100 MiB)");
const percent = (share) => `${(100 * share).toFixed(0)}%`;
for (const r of gcbench) {
  console.log(
    `${r.collector.padEnd(23)} ${pad(`${(r.heapBytes / MiB).toFixed(1)} MiB`, 14)}  ${pad(r.medianWallMs, 8)}  ${pad(r.wallRatioToNative.toFixed(2), 8)}  ${pad(r.medianCpuMs, 8)}  ${pad(r.cpuRatioToNative.toFixed(2), 8)}  ${pad(percent(r.liveProbeShare), 5)}  ${pad(percent(r.endOfRunShare), 5)}  ${pad(r.allocationsPerWallSecond.toLocaleString("en-US"), 14)}  ${pad(`${r.peakRssMiB} MiB`, 9)}  (${r.heapPlus100MiB} MiB)`,
  );
}
console.log("\nthe same runs with --peak-live-precision off (memory.peakLive not measured)");
console.log("collector                 wall ms  x native wall  x native CPU");
for (const r of gcbench) {
  const w = r.withoutProbe;
  console.log(`${r.collector.padEnd(23)} ${pad(w.medianWallMs, 9)}  ${pad(w.wallRatioToNative.toFixed(2), 13)}  ${pad(w.cpuRatioToNative.toFixed(2), 12)}`);
}
const none = gcbench.find((r) => r.collector === "none");
console.log(`none: ${percent(none.endOfRunShare)} of its wall time in end-of-run accounting (acceptance: at most 25%)`);
const backup = gcbench.find((r) => r.collector === "rc:cycles=backup-trace");
console.log(
  `rc with backup tracing: ${backup.wallRatioToNative.toFixed(2)}x native wall (acceptance: at most ${RC_BACKUP_TRACE_TARGET}x): ${backup.wallRatioToNative <= RC_BACKUP_TRACE_TARGET ? "met" : "NOT met"}`,
);
console.log(`\nstart-up: gcsim run bench/startup.json is ${startup.wallMsAboveNode} ms wall, ${startup.cpuMsAboveNode} ms CPU above node -e 0 (median of ${startup.pairs} pairwise differences)`);
if (scaling.length > 0) {
  console.log("\nbinary-trees: time per million allocations (heap four times the stretch tree)");
  console.log("collector      N    allocations    wall ms  ms/M wall    CPU ms  ms/M CPU  peak RSS");
  for (const s of scaling) {
    console.log(`${s.collector.padEnd(13)} ${pad(s.N, 2)} ${pad(s.allocations.toLocaleString("en-US"), 14)} ${pad(s.wallMs, 10)} ${pad(s.wallMsPerMillion.toFixed(1), 10)} ${pad(s.cpuMs, 9)} ${pad(s.cpuMsPerMillion.toFixed(1), 9)} ${pad(`${s.peakRssMiB} MiB`, 9)}`);
  }
  for (const collector of SCALING_COLLECTORS) {
    const rows = scaling.filter((s) => s.collector === collector);
    const first = rows[0];
    const last = rows[rows.length - 1];
    console.log(
      `${collector}: N=${last.N} / N=${first.N} per allocation ${(last.wallMsPerMillion / first.wallMsPerMillion).toFixed(2)}x wall, ${(last.cpuMsPerMillion / first.cpuMsPerMillion).toFixed(2)}x CPU`,
    );
  }
}
writeFileSync("results/bench.json", JSON.stringify(report, null, 2) + "\n");
console.log("wrote results/bench.json");
