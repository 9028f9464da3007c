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
process.exitCode = await cli.main(process.argv);
