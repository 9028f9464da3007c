// Preloaded into a benchmarked process (node --import ./bench/usage.mjs ...): reports the process's
// CPU time (user + system) and peak resident memory on stderr as it exits, so the benchmark can time
// the whole process from outside and still know both. The same hook goes into every process
// compared (gcsim, native GCBench, bare node), so its own small cost cancels out.
process.on("exit", () => {
  const u = process.resourceUsage();
  process.stderr.write(`\nBENCH ${JSON.stringify({ maxRssKiB: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 })}\n`);
});
