// The TypeScript port of GCBench (examples/workloads/gcbench.ts) against the JSON GCBench
// (workloads/gcbench.json), as a user runs them: whole `gcsim run` processes, alternating, per
// collector, each process with bench/usage.mjs preloaded to report its CPU time. Prints the
// median wall and CPU time of each and the median of the pairwise ratios (TypeScript / JSON),
// which is what issue 19's acceptance bounds (≤ 2× wall). The TypeScript process pays tsx's
// start-up (its loader thread and the transform) on top of the run; --in-process also prints
// the runs alone, in one process (CPU), so the two costs can be told apart. Needs a build.
//   node bench/script-vs-json.mjs [PAIRS] [--reduced] [--in-process]
//   (default: 5 pairs of full-size GCBench; --reduced: depths 17/15/15)
import { spawnSync } from "node:child_process";

const reduced = process.argv.includes("--reduced");
const pairs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 5);
const params = reduced ? { kStretchTreeDepth: 17, kLongLivedTreeDepth: 15, kMaxTreeDepth: 15 } : {};
const paramArgs = Object.entries(params).flatMap(([k, v]) => ["--param", `${k}=${v}`]);
const WORKLOADS = { JSON: "workloads/gcbench.json", TypeScript: "examples/workloads/gcbench.ts" };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One whole `gcsim run` process: wall ms (timed from here) and CPU ms (reported by the process). */
function run(workload, collector) {
  const t0 = process.hrtime.bigint();
  const args = ["--import", "./bench/usage.mjs", "bin/gcsim.js", "run", workload, "-c", collector, "-f", "json", ...paramArgs];
  const r = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 26 });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`gcsim run ${workload} -c ${collector} exited ${r.status}: ${r.stderr}`);
  const result = JSON.parse(r.stdout);
  if (result.outcome !== "completed") throw new Error(`${workload} under ${collector}: ${result.outcome}`);
  return { wallMs, cpuMs: JSON.parse(/BENCH (.*)/.exec(r.stderr)[1]).cpuMs };
}

console.log(`GCBench${reduced ? " (reduced: depths 17/15/15)" : ""}: TypeScript port against JSON, whole gcsim run processes, ${pairs} alternating pairs`);
console.log("collector     JSON wall ms  TS wall ms  x JSON   JSON CPU ms  TS CPU ms  x JSON");
for (const collector of ["mark-sweep", "copying"]) {
  const json = [];
  const ts = [];
  for (let i = 0; i < pairs; i++) {
    json.push(run(WORKLOADS.JSON, collector));
    ts.push(run(WORKLOADS.TypeScript, collector));
  }
  const ratio = (key) => median(ts.map((t, i) => t[key] / json[i][key])).toFixed(2);
  const ms = (runs, key) => median(runs.map((r) => r[key])).toFixed(0);
  console.log(
    `${collector.padEnd(12)}  ${ms(json, "wallMs").padStart(12)}  ${ms(ts, "wallMs").padStart(10)}  ${ratio("wallMs").padStart(6)}` +
      `   ${ms(json, "cpuMs").padStart(11)}  ${ms(ts, "cpuMs").padStart(9)}  ${ratio("cpuMs").padStart(6)}`,
  );
}

if (process.argv.includes("--in-process")) {
  // The runs alone: both workloads loaded once in this process, so tsx's start-up is not counted.
  const { importWorkload, runWorkload } = await import("../dist/index.js");
  const loaded = { JSON: await importWorkload(WORKLOADS.JSON, params), TypeScript: await importWorkload(WORKLOADS.TypeScript, params) };
  const cpuMs = (workload, collector) => {
    const start = process.cpuUsage();
    const r = runWorkload(workload, { collector, params });
    if (r.outcome !== "completed") throw new Error(`${collector}: ${r.outcome}`);
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
  };
  console.log("\nthe runs alone, in this process (CPU ms, medians; ratio: median of pairwise ratios)");
  for (const collector of ["mark-sweep", "copying"]) {
    const json = [];
    const ts = [];
    for (let i = 0; i < pairs; i++) {
      json.push(cpuMs(loaded.JSON, collector));
      ts.push(cpuMs(loaded.TypeScript, collector));
    }
    const ratio = median(ts.map((t, i) => t / json[i]));
    console.log(`${collector.padEnd(12)}  JSON ${median(json).toFixed(0)}  TypeScript ${median(ts).toFixed(0)}  x JSON ${ratio.toFixed(2)}`);
  }
}
