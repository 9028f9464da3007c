// Alternating A/B of two gcsim builds: CPU time (user + sys, from /usr/bin/time) of the whole
// `gcsim run gcbench` process, per collector, at the heaps `npm run bench` uses; prints the
// median of each and their ratio. CPU time, not wall time: on a shared machine the wall clock
// of a half-second run is noise.
//   node bench/compare-builds.mjs OLD_CHECKOUT NEW_CHECKOUT [PAIRS]   (both built: npm install)
import { spawnSync } from "node:child_process";

const [oldDir, newDir, pairs = "5"] = process.argv.slice(2);
if (!oldDir || !newDir) {
  console.error("usage: node bench/compare-builds.mjs OLD_CHECKOUT NEW_CHECKOUT [PAIRS]");
  process.exit(2);
}
const CONFIGS = [["mark-sweep", "32MiB"], ["copying", "64MiB"], ["mark-compact", "32MiB"], ["generational", "32MiB"], ["rc", "32MiB"], ["none", "512MiB"]];

function cpuSeconds(dir, collector, heap) {
  const args = ["-f", "%U %S", process.execPath, `${dir}/bin/gcsim.js`, "run", `${dir}/workloads/gcbench.json`, "-c", collector, "--heap", heap, "-f", "json", "-q"];
  const r = spawnSync("/usr/bin/time", args, { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${dir} ${collector}: exit ${r.status}\n${r.stderr}`);
  const [user, sys] = r.stderr.trim().split("\n").at(-1).split(" ").map(Number);
  return user + sys;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const [collector, heap] of CONFIGS) {
  const old = [];
  const now = [];
  for (let i = 0; i < Number(pairs); i++) {
    old.push(cpuSeconds(oldDir, collector, heap));
    now.push(cpuSeconds(newDir, collector, heap));
  }
  const o = median(old);
  const n = median(now);
  console.log(`${collector.padEnd(13)} old ${o.toFixed(2)} s  new ${n.toFixed(2)} s  new/old ${(n / o).toFixed(3)}`);
}
