import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type { InputError } from "../src/errors.js";
import { runWorkload, type RunOptions } from "../src/sim/run.js";
import { importWorkload, loadWorkload, type LoadedWorkload } from "../src/workload/load.js";
import { CONFIGURATIONS, treeSize } from "./helpers.js";

/**
 * Script workloads (TypeScript, compiled by esbuild): the shipped ports reproduce the
 * JSON workloads they port, handles are roots that moving collectors update,
 * and misuse is a workload error at the user's line.
 */

const HANDLES = "tests/fixtures/script/handles.ts";

function gcsim(...args: string[]) {
  const r = spawnSync(process.execPath, ["bin/gcsim.js", ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What must agree between a JSON workload and its port: the figures that depend only on allocation and reachability. */
const comparable = (r: ReturnType<typeof runWorkload>) => ({
  outcome: r.outcome,
  allocated: r.allocated,
  collections: r.collections,
  finalLive: [r.memory.finalLive, r.memory.finalLiveObjects],
  output: r.output,
});

const PORTS: { name: string; params: Record<string, number>; heapBytes: number; objects: number }[] = [
  {
    name: "gcbench",
    params: { kStretchTreeDepth: 8, kLongLivedTreeDepth: 6, kArraySize: 4002, kMinTreeDepth: 4, kMaxTreeDepth: 6 },
    heapBytes: 80 * 1024,
    // The stretch tree, the long-lived tree, the array, and 2 * NumIters(d) trees of each even depth (GCBench's definition).
    objects: treeSize(8) + treeSize(6) + 1 + [4, 6].reduce((sum, d) => sum + 2 * Math.floor((2 * treeSize(8)) / treeSize(d)) * treeSize(d), 0),
  },
  {
    name: "binary-trees",
    params: { N: 6 },
    heapBytes: 32 * 1024,
    // Stretch tree of depth 7, long-lived tree of depth 6, 2^(6-d+4) trees of each even depth d from 4 to 6.
    objects: treeSize(7) + treeSize(6) + [4, 6].reduce((sum, d) => sum + 2 ** (6 - d + 4) * treeSize(d), 0),
  },
];

describe.each(PORTS)("the TypeScript port of $name", ({ name, params, heapBytes, objects }) => {
  const load = async (): Promise<[LoadedWorkload, LoadedWorkload]> => [
    loadWorkload(`workloads/${name}.json`, params),
    await importWorkload(`examples/workloads/${name}.ts`, params),
  ];

  it("allocates what the benchmark's definition says, as the JSON version does, under the no-GC baseline", async () => {
    const [json, ts] = await load();
    const options: RunOptions = { collector: "none", params, heapBytes: 64 << 20 };
    const port = runWorkload(ts, options);
    expect(port.outcome).toBe("completed");
    expect(port.allocated.objects).toBe(objects);
    expect(comparable(port)).toEqual(comparable(runWorkload(json, options)));
  });

  it("reproduces the JSON version's allocation, collections, final live data and output under every collector (verified)", async () => {
    const [json, ts] = await load();
    for (const c of CONFIGURATIONS) {
      // A semispace collector needs twice the room.
      const options: RunOptions = { collector: c.collector, collectorOptions: c.options, params, heapBytes: heapBytes * (c.collector === "copying" ? 2 : 1), verify: true };
      const port = runWorkload(ts, options);
      expect(port.error, c.label).toBeNull();
      expect(port.collections.total, c.label).toBeGreaterThan(0);
      // Concurrent marking and time-paced increments follow simulated time, which the port's mutator
      // counts in its own statements: their pauses may fall elsewhere; everything else may not differ.
      const timed = c.collector === "concurrent-mark-sweep" || (c.collector === "incremental-mark-sweep" && c.options.pacing !== "allocation");
      const figures = (r: ReturnType<typeof runWorkload>) => (timed ? { ...comparable(r), collections: null } : comparable(r));
      expect(figures(port), c.label).toEqual(figures(runWorkload(json, options)));
    }
  });
});

describe("handles", () => {
  const run = async (params: Record<string, number>, options: Partial<RunOptions> = {}) =>
    runWorkload(await importWorkload(HANDLES, params), { collector: "copying", params, heapBytes: 16 * 1024, verify: true, ...options });

  it("are roots that a moving collector updates: a list held only through a handle survives collections intact", async () => {
    const r = await run({ cells: 50 });
    expect(r.error).toBeNull();
    expect(r.collections.total).toBeGreaterThanOrEqual(3);
    expect(r.work.objectsCopied).toBeGreaterThan(0);
    // 0 + 1 + ... + 49, read back through the handles after each collection moved the list.
    expect(r.output).toEqual([0, 1, 2].map((round) => `round ${round}: sum ${(49 * 50) / 2}`));
  });

  it("keep their objects alive under reference counting, whose root barrier they go through", async () => {
    const r = await run({ cells: 50 }, { collector: "rc" });
    expect(r.error).toBeNull();
    expect(r.output[2]).toBe(`round 2: sum ${(49 * 50) / 2}`);
  });

  it("used after their scope closed are a workload error at the user's line", async () => {
    const r = await run({ mode: 1 });
    expect(r.outcome).toBe("error");
    expect(r.error?.message).toMatch(/^a handle used after its scope closed .* at .*tests\/fixtures\/script\/handles\.ts:51:\d+$/);
  });

  it("returned from a scope without escaping are a workload error", async () => {
    const r = await run({ mode: 4 });
    expect(r.error?.message).toMatch(/returns one of its own handles.* at .*handles\.ts:54:\d+$/);
  });

  it("from another run are an error, never a wrong address", async () => {
    const w = await importWorkload("tests/fixtures/script/leak-handle.ts");
    expect(runWorkload(w, { collector: "mark-sweep" }).error).toBeNull();
    const second = runWorkload(w, { collector: "mark-sweep" });
    expect(second.error?.message).toMatch(/^a handle from another run .* at .*leak-handle\.ts:12:\d+$/);
  });
});

describe("script workload errors", () => {
  it("an exception the workload throws is a runtime error at the line that threw it", async () => {
    const r = runWorkload(await importWorkload(HANDLES, { mode: 2 }), { collector: "mark-sweep", params: { mode: 2 } });
    expect(r.error?.message).toMatch(/^the workload threw TypeError: the workload's own bug at .*handles\.ts:52:\d+$/);
  });

  it("--max-ops stops a runaway loop", async () => {
    const r = runWorkload(await importWorkload(HANDLES, { mode: 3 }), { collector: "mark-sweep", params: { mode: 3 }, maxOps: 5000, heapBytes: 1 << 20 });
    expect(r.error?.message).toMatch(/more than the operation limit .* at .*handles\.ts:53:\d+$/);
  });

  it("a file that cannot be loaded, or exports no usable definition, is an input error naming the place", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gcsim-"));
    writeFileSync(join(dir, "syntax.ts"), 'export default { name: "x",, };\n');
    // Through the CLI: in-process, vitest's own module runner would import the file instead of gcsim's loader.
    const r = gcsim("run", join(dir, "syntax.ts"), "-c", "mark-sweep");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^gcsim: workload file ${join(dir, "syntax.ts")} cannot be loaded: ${join(dir, "syntax.ts")}:1:28: Expected identifier but found ","`)); // the second comma: column 28, counted from 1
    // Thrown by the module's top level: the message and the user's line (line 2, column 25: the throw).
    writeFileSync(join(dir, "throws.ts"), 'const ok = 1;\nif (ok) { const e = 1; throw new RangeError("bad size " + e); }\nexport default {};\n');
    const thrown = gcsim("run", join(dir, "throws.ts"), "-c", "none");
    expect(thrown.code).toBe(2);
    expect(thrown.stderr).toBe(`gcsim: workload file ${join(dir, "throws.ts")} cannot be loaded: bad size 1 (at ${join(dir, "throws.ts")}:2:30)\n`);
    // A top-level await that never settles: Node would end with code 13 and no word.
    writeFileSync(join(dir, "waits.ts"), "await new Promise(() => {});\nexport default {};\n");
    const waits = gcsim("run", join(dir, "waits.ts"), "-c", "none");
    expect(waits.code).toBe(2);
    expect(waits.stderr).toMatch(/^gcsim: stopped: the run waited on something that can never happen .*top-level await never settles/);
    writeFileSync(join(dir, "shape.ts"), 'export default { name: "x", description: "", params: {}, types: { A: { refs: ["x", 2] } } };\n');
    const error = await importWorkload(join(dir, "shape.ts")).catch((e: unknown) => e);
    expect((error as InputError).details).toEqual(["main: a function (m, params) => void", "types.A.refs: an array of field names (letters, digits and _)"]);
  });

  it("out of memory names the allocation and the user's line that made it", async () => {
    const r = runWorkload(await importWorkload(HANDLES, { mode: 3 }), { collector: "mark-sweep", params: { mode: 3 }, heapBytes: 16 * 1024 });
    expect(r.outcome).toBe("out-of-memory");
    expect(r.error?.message).toMatch(/^out of memory at alloc\("Cell"\) at .*handles\.ts:53:\d+: requested 24 bytes/);
  });

  it("an unknown --param is an input error naming the declared ones", async () => {
    await expect(importWorkload(HANDLES, { cels: 3 })).rejects.toThrow(/has 1 error/);
  });

  it("the CLI exits 2 with the message and the user's line", () => {
    const r = gcsim("run", HANDLES, "-c", "mark-sweep", "--param", "mode=1", "-f", "json");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/gcsim: a handle used after its scope closed .* at .*handles\.ts:51:\d+\n$/);
  });
});

describe("commands with script workloads", () => {
  it("compare runs them in worker threads with the same results as in one thread", async () => {
    const params = { N: 6 };
    const parallel = JSON.parse(gcsim("compare", "examples/workloads/binary-trees.ts", "--collectors", "mark-sweep,rc", "--param", "N=6", "--heap", "64KiB", "-j", "2", "-f", "json").stdout);
    const w = await importWorkload("examples/workloads/binary-trees.ts", params);
    const here = ["mark-sweep", "rc"].map((collector) => runWorkload(w, { collector, params, heapBytes: 64 * 1024 }));
    const figures = (rs: ReturnType<typeof runWorkload>[]) => rs.map((r) => [r.outcome, r.allocated, r.collections, r.time, r.output]);
    expect(figures(parallel)).toEqual(figures(here));
  });

  it("validate type-checks them, anywhere on disk, and reports errors with file and line", () => {
    // Written at test time: a file that does not type-check cannot live among the project's checked sources.
    const file = join(mkdtempSync(join(tmpdir(), "gcsim-")), "type-error.ts");
    writeFileSync(
      file,
      [
        'import { defineWorkload } from "gcsim";',
        "export default defineWorkload({",
        '  name: "type-error",',
        '  description: "a misspelt field and an int where a handle goes",',
        "  params: {},",
        '  types: { Pair: { refs: ["first", "second"] } },',
        "  main(m) {",
        '    const p = m.alloc("Pair");',
        '    m.load(p, "frist");',
        '    m.store(7, "first", null);',
        "  },",
        "});",
      ].join("\n"),
    );
    const r = gcsim("validate", "examples/workloads/gcbench.ts", file);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("ok examples/workloads/gcbench.ts\n");
    expect(r.stderr.startsWith(`gcsim: ${file}: 2 type errors\n`)).toBe(true);
    expect(r.stderr).toContain(`${file}:9:15: Argument of type '"frist"' is not assignable`);
    expect(r.stderr).toContain(`${file}:10:13: Type '7' has no properties in common with type 'Handle<string>'`);
    // esbuild strips types without checking them: the same file runs (and fails only where the misspelt field is used).
    const run = gcsim("run", file, "-c", "mark-sweep");
    expect(run.stderr).toContain(`unknown field "frist" (fields: first, second) at ${file}:9:`);
  });
});

describe("loading script workloads", () => {
  /** A workload in a fresh folder that takes its payload size from a sibling module. */
  function twoFileWorkload(bytes: number): { dir: string; main: string; sibling: string } {
    const dir = mkdtempSync(join(tmpdir(), "gcsim-"));
    const sibling = join(dir, "sizes.ts");
    writeFileSync(sibling, `export const PAYLOAD: number = ${bytes};\n`);
    const main = join(dir, "w.ts");
    writeFileSync(
      main,
      'import { defineWorkload } from "gcsim";\nimport { PAYLOAD } from "./sizes.ts";\n' +
        'export default defineWorkload({ name: "two-files", description: "one raw object", params: {}, types: {},\n' +
        "  main(m) { m.allocRaw(0, PAYLOAD); m.print(import.meta.url); } });\n",
    );
    return { dir, main, sibling };
  }

  it("bundles the files a workload imports, and sees an edit of any of them at the next load", async () => {
    const { main, sibling } = twoFileWorkload(24);
    const first = runWorkload(await importWorkload(main), { collector: "none" });
    // One object: an 8-byte header and 24 payload bytes; import.meta.url is the workload file's own.
    expect(first.allocated).toMatchObject({ objects: 1, bytes: 8 + 24 });
    expect(first.output).toEqual([pathToFileURL(main).href]);
    // An edit of the same size, with the old modification time put back (as cp -p, rsync -t or tar do).
    const { atime, mtime } = statSync(sibling);
    writeFileSync(sibling, "export const PAYLOAD: number = 48;\n");
    utimesSync(sibling, atime, mtime);
    const second = runWorkload(await importWorkload(main), { collector: "none" });
    expect(second.allocated).toMatchObject({ objects: 1, bytes: 8 + 48 });
  });

  it("leaves packages to Node: a package's own import.meta.url is its file, not the workload's", async () => {
    const { dir } = twoFileWorkload(8);
    const pkg = join(dir, "node_modules", "where");
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, "package.json"), '{ "name": "where", "type": "module", "exports": "./index.js" }\n');
    writeFileSync(join(pkg, "index.js"), "export const where = import.meta.url;\n");
    const main = join(dir, "uses-package.ts");
    writeFileSync(
      main,
      'import { defineWorkload } from "gcsim";\nimport { where } from "where";\n' +
        'export default defineWorkload({ name: "p", description: "prints where a package lives", params: {}, types: {}, main(m) { m.print(where); } });\n',
    );
    const r = runWorkload(await importWorkload(main), { collector: "none" });
    expect(r.output).toEqual([pathToFileURL(join(pkg, "index.js")).href]);
  });

  it("still loads when the module cache cannot be written (CLI, cache folder under a file)", () => {
    const { dir, main } = twoFileWorkload(16);
    writeFileSync(join(dir, "not-a-folder"), "");
    const r = spawnSync(process.execPath, ["bin/gcsim.js", "run", main, "-c", "none", "-f", "json"], {
      encoding: "utf8",
      env: { ...process.env, GCSIM_CACHE_DIR: join(dir, "not-a-folder", "modules") },
    });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout).allocated).toMatchObject({ objects: 1, bytes: 8 + 16 });
  });
});
