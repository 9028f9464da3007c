// Build step: bundle the compiled CLI and library (dist/) into a few ES modules in dist/bundle/,
// so that start-up reads a handful of files instead of resolving and compiling ~150 modules.
//   dist/bundle/cli.js    what bin/gcsim.js runs
//   dist/bundle/index.js  the library, as users' collectors and workloads see it (`import ... from "gcsim"`
//                         resolves here while the bundled CLI runs: the same classes as the CLI's, from
//                         the shared chunks, not a second copy)
//   dist/bundle/chunk-*.js  code both share, and commands loaded on use (test-collector brings fast-check)
// dist/ keeps the unbundled modules: the library's package entry, worker threads, the type declarations.
// Each module's import.meta.url is rewritten to the URL of its unbundled file, so the paths it finds
// relative to itself (workloads/, the precompiled schema validator, the module hooks) stay the same.
// commander and chalk, which every command loads, are bundled too; other packages stay external
// (loaded on use: tables, CSV, progress bars, esbuild, TypeScript, fast-check, ajv's runtime for the
// precompiled schema validator).
import { build } from "esbuild";
import { readFileSync, rmSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";

const DIST = resolve("dist");
const OUT = resolve(DIST, "bundle");
rmSync(OUT, { recursive: true, force: true }); // chunk names carry hashes: no stale ones

const ownUrls = {
  name: "own-import-meta-url",
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      if (!args.path.startsWith(`${DIST}/`)) return undefined;
      const original = JSON.stringify(relative(OUT, args.path));
      // The expression, not a string naming it (a quote on either side: user-module.ts gives esbuild `define: { "import.meta.url": ... }`).
      const contents = readFileSync(args.path, "utf8").replace(/(?<!["'`])import\.meta\.url(?!["'`])/g, `new URL(${original}, import.meta.url).href`);
      return { contents, loader: "js", resolveDir: dirname(args.path) };
    });
  },
};

await build({
  entryPoints: { cli: resolve(DIST, "cli/main.js"), index: resolve(DIST, "index.js") },
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["ajv", "ajv/*", "chart.js", "cli-progress", "cli-table3", "csv-stringify", "csv-stringify/*", "esbuild", "fast-check", "jsonc-parser", "tsx", "tsx/*", "typescript"],
  // commander is CommonJS: give the ES module bundle a require() for its own requires of node built-ins.
  banner: { js: 'import { createRequire as gcsimCreateRequire } from "node:module";\nconst require = gcsimCreateRequire(import.meta.url);' },
  plugins: [ownUrls],
  // user-module.ts points `import "gcsim"` at the bundled library instead of dist/index.js.
  define: { GCSIM_BUNDLED_LIBRARY: JSON.stringify(relative(resolve(DIST, "util"), resolve(OUT, "index.js"))) },
  logLevel: "warning",
});
