#!/usr/bin/env node
// The gcsim executable: runs the compiled CLI (dist/ is built by `npm install`).
// The bundle (dist/bundle/, scripts/bundle-cli.mjs) starts faster; dist/cli/main.js is the same CLI unbundled.
let cli;
try {
  cli = await import("../dist/bundle/cli.js").catch((e) => {
    if (e?.code === "ERR_MODULE_NOT_FOUND" && /bundle[\\/]cli\.js/.test(String(e.message))) return import("../dist/cli/main.js");
    throw e;
  });
} catch (e) {
  if (e?.code !== "ERR_MODULE_NOT_FOUND") throw e;
  process.stderr.write("gcsim: dist/ is missing; run `npm install` (or `npm run build`) in the gcsim folder first\n");
  process.exit(2);
}
// Node ends a process whose top-level await can never settle with exit code 13 and no word. That happens
// when a user's workload or collector file awaits something that never comes: say so, as an input error.
let finished = false;
process.on("exit", () => {
  if (finished || process.exitCode !== 13) return;
  process.stderr.write("gcsim: stopped: the run waited on something that can never happen (a workload or collector file whose top-level await never settles?)\n");
  process.exitCode = 2;
});
process.exitCode = await cli.main(process.argv);
finished = true;
