#!/usr/bin/env node
// The gcsim executable: runs the compiled CLI (dist/ is built by `npm install`).
let cli;
try {
  cli = await import("../dist/cli/main.js");
} catch (e) {
  if (e?.code !== "ERR_MODULE_NOT_FOUND") throw e;
  process.stderr.write("gcsim: dist/ is missing; run `npm install` (or `npm run build`) in the gcsim folder first\n");
  process.exit(2);
}
process.exitCode = await cli.main(process.argv);
