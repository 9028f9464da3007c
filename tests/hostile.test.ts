/**
 * Regression tests for issue 12 ("Hostile input and faults"): one or more per
 * defect, each reproducing what went wrong before and checking the one-line
 * error and exit code that replace it. CLI tests run the real executable.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encodeGraph, readGraphFile, writeGraphFile, type ObjectGraph } from "../src/graph/graph-file.js";
import { checkOutputPath, OutputError, writeAtomically, type OutputFs } from "../src/util/output.js";
import { loadWorkload } from "../src/workload/load.js";
import { runWorkload } from "../src/sim/run.js";
import type { WorkloadDoc } from "../src/workload/types.js";

/** The real executable; `timeout` is a hang budget (a killed process has status null). */
function gcsim(args: string[], { timeout = 60_000, cwd }: { timeout?: number; cwd?: string } = {}) {
  const r = spawnSync(process.execPath, [process.env.GCSIM_BIN ?? join(process.cwd(), "bin/gcsim.js"), ...args], { encoding: "utf8", timeout, cwd, env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tempDir = () => mkdtempSync(join(tmpdir(), "gcsim-hostile-"));

/** A clean error: "gcsim: ..." first, only indented detail lines after it, no stack frame. */
function expectCleanError(stderr: string) {
  expect(stderr).toMatch(/^gcsim: /);
  for (const line of stderr.trimEnd().split("\n").slice(1)) expect(line).toMatch(/^ {2}/);
  expect(stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

const SMALL_GRAPH: ObjectGraph = {
  n: 3,
  payloadBytes: Int32Array.from([8, 16, 8]),
  edgeStart: Int32Array.from([0, 2, 3, 3]),
  edgeTarget: Int32Array.from([1, 2, 0]),
  roots: Int32Array.from([0]),
};

/** A workload next to a sidecar in a fresh folder. */
function graphWorkload(dir: string, body: WorkloadDoc["main"]["body"], file = "g.graph.bin"): string {
  const doc: WorkloadDoc = { name: "g", heap: "1MiB", graph: { file }, globals: ["roots:ref"], main: { body: [{ graph: "build", to: "roots" }, ...body] } };
  const path = join(dir, "g.json");
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

function writeWords(file: string, words: Int32Array) {
  writeFileSync(file, new Uint8Array(words.buffer, words.byteOffset, words.byteLength));
}

describe("defect 1: graph sidecars cannot corrupt the simulated heap", () => {
  it("a negative slot count (consistent with its edge offsets and checksum) is refused before any object is built", () => {
    const dir = tempDir();
    // Node 0 claims -1 slots, node 1 one slot: the offsets 0, -1, 0 agree with them.
    writeWords(join(dir, "g.graph.bin"), encodeGraph({ n: 2, payloadBytes: Int32Array.from([8, 8]), edgeStart: Int32Array.from([0, -1, 0]), edgeTarget: new Int32Array(0), roots: Int32Array.from([0]) }));
    const r = gcsim(["run", graphWorkload(dir, []), "-c", "mark-sweep", "--verify"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^gcsim: graph file .*g\.graph\.bin is not a valid gcsim graph: node 0: slot count -1 outside 0\.\.16777215 \(at byte 24\)\n$/);
  });

  it("a node count the object header cannot hold is refused from the header alone", () => {
    const dir = tempDir();
    const words = encodeGraph(SMALL_GRAPH);
    words[2] = 2 ** 24; // node count
    writeWords(join(dir, "g.graph.bin"), words);
    expect(() => readGraphFile(join(dir, "g.graph.bin"))).toThrow(/node count 16777216 outside 0\.\.16777215 \(at byte 8\)/);
  });

  it("a damaged body is caught by the checksum, with the byte offset", () => {
    const dir = tempDir();
    const words = encodeGraph(SMALL_GRAPH);
    words[words.length - 2] ^= 1; // an edge target
    writeWords(join(dir, "g.graph.bin"), words);
    expect(() => readGraphFile(join(dir, "g.graph.bin"))).toThrow(/checksum mismatch \(the file is damaged\) \(at byte 20\)/);
  });

  it("the sidecar round-trips and runs under every collector with the verifier", () => {
    const dir = tempDir();
    writeGraphFile(join(dir, "g.graph.bin"), SMALL_GRAPH);
    const w = loadWorkload(graphWorkload(dir, [{ graph: "rewire", from: "roots", count: 5 }, { graph: "rebuild", from: "roots", count: 2, nodes: 2 }]));
    expect(w.graph!.n).toBe(3);
    for (const collector of ["mark-sweep", "copying", "rc", "generational"]) {
      expect(runWorkload(w, { collector, verify: true }).outcome).toBe("completed");
    }
  });

  it("a snapshot node whose self_size no object can have is an input error at import", () => {
    const dir = tempDir();
    const snapshot = {
      snapshot: {
        meta: {
          node_fields: ["type", "name", "id", "self_size", "edge_count"],
          node_types: [["object"], "string", "number", "number", "number"],
          edge_fields: ["type", "name_or_index", "to_node"],
          edge_types: [["property", "weak"], "string_or_number", "node"],
        },
      },
      nodes: [0, 0, 1, 0, 1, 0, 0, 3, 2 ** 31 + 5, 0],
      edges: [0, 0, 5],
    };
    writeFileSync(join(dir, "s.heapsnapshot"), JSON.stringify(snapshot));
    const r = gcsim(["import-heapsnapshot", join(dir, "s.heapsnapshot"), "-o", join(dir, "out.json"), "--edges", "property"]);
    expect(r.code).toBe(2);
    expectCleanError(r.stderr);
    expect(r.stderr).toMatch(/integer larger than 2147483647|self_size \d+ is larger than the largest object/);
    expect(readdirSync(dir)).toEqual(["s.heapsnapshot"]);
  });
});

describe("defect 2: output paths are checked before any work, and writes are atomic", () => {
  it("-o into a missing folder exits 2 with one line before running anything", () => {
    const r = gcsim(["run", "workloads/gcbench.json", "-c", "mark-sweep", "-o", "/nonexistent/dir/x.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("gcsim: cannot write -o /nonexistent/dir/x.json: folder /nonexistent/dir does not exist\n");
    expect(r.stdout).toBe("");
  });

  it("-o naming a directory, a FIFO or a symlink to a device is refused, and none of them is replaced", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "sub"));
    symlinkSync("/dev/null", join(dir, "null"));
    const targets: [string, RegExp][] = [
      [join(dir, "sub"), /the target is a directory/],
      [join(dir, "null"), /a symbolic link to a device/],
    ];
    if (spawnSync("mkfifo", [join(dir, "fifo")]).status === 0) targets.push([join(dir, "fifo"), /the target is a FIFO/]);
    for (const [target, why] of targets) {
      const r = gcsim(["run", "workloads/linked-list.json", "-c", "mark-sweep", "-o", target]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(why);
      expectCleanError(r.stderr);
    }
    expect(lstatSync(join(dir, "null")).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(dir, "sub")).isDirectory()).toBe(true);
    if (existsSync(join(dir, "fifo"))) expect(lstatSync(join(dir, "fifo")).isFIFO()).toBe(true);
  });

  it("compare with a --report path that cannot be written fails before running anything", () => {
    const r = gcsim(["compare", "workloads/linked-list.json", "--collectors", "mark-sweep,copying", "--report", "/nonexistent/r.html"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("gcsim: cannot write --report /nonexistent/r.html: folder /nonexistent does not exist\n");
    expect(r.stdout).toBe("");
  });

  it("a full disk: the previous file is intact, no temporary file remains, one line says why", () => {
    const dir = tempDir();
    const file = join(dir, "result.json");
    writeFileSync(file, "previous\n");
    const fullDisk: OutputFs = {
      writeFileSync(path, data, options) {
        writeFileSync(path, String(data).slice(0, 10), options); // part of it, then the disk is full
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", syscall: "write" });
      },
      renameSync: () => {
        throw new Error("never reached");
      },
      rmSync,
    };
    let error: unknown;
    try {
      writeAtomically(file, "a new result that does not fit\n".repeat(100), fullDisk);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutputError);
    expect((error as Error).message).toBe(`cannot write ${file}: no space left on device (ENOSPC); the previous file, if any, is unchanged`);
    expect(readFileSync(file, "utf8")).toBe("previous\n");
    expect(readdirSync(dir)).toEqual(["result.json"]);
  });

  it("a failing rename also leaves no temporary file", () => {
    const dir = tempDir();
    const file = join(dir, "out.csv");
    const failingRename: OutputFs = {
      writeFileSync,
      renameSync: () => {
        throw Object.assign(new Error("EIO"), { code: "EIO" });
      },
      rmSync,
    };
    expect(() => writeAtomically(file, "x\n", failingRename)).toThrow(/input\/output error \(EIO\)/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a symlink to a regular file is written through: the link stays, its target gets the content", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "real.json"), "old\n");
    symlinkSync(join(dir, "real.json"), join(dir, "link.json"));
    checkOutputPath(join(dir, "link.json"));
    writeAtomically(join(dir, "link.json"), "new\n");
    expect(lstatSync(join(dir, "link.json")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, "real.json"), "utf8")).toBe("new\n");
  });

  it("SIGTERM during a write leaves no temporary file, and is then delivered", async () => {
    const dir = tempDir();
    const script = `
      const { writeAtomically } = await import(${JSON.stringify(join(process.cwd(), "dist/util/output.js"))});
      const big = Buffer.alloc(256 << 20, 120);
      process.stdout.write("ready\\n");
      for (let i = 0; i < 2; i++) writeAtomically(${JSON.stringify(join(dir, "out.txt"))}, big);
      setTimeout(() => process.exit(0), 10000);
    `;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    // 50 ms in, the first 256 MiB write is under way (before, this left its temporary file behind).
    child.stdout.once("data", () => setTimeout(() => child.kill("SIGTERM"), 50));
    const { signal } = await exit;
    expect(signal).toBe("SIGTERM");
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

describe("defect 3: re-import never destroys the good sidecar", () => {
  it("a failed sidecar write (full disk) leaves the previous .graph.bin intact", () => {
    const dir = tempDir();
    const file = join(dir, "g.graph.bin");
    writeGraphFile(file, SMALL_GRAPH);
    const before = readFileSync(file);
    const fullDisk: OutputFs = {
      writeFileSync: (path, _data, options) => {
        writeFileSync(path, "", options);
        throw Object.assign(new Error("ENOSPC"), { code: "ENOSPC" });
      },
      renameSync,
      rmSync,
    };
    const bigger: ObjectGraph = { ...SMALL_GRAPH, payloadBytes: Int32Array.from([800, 16, 8]) };
    expect(() => writeGraphFile(file, bigger, fullDisk)).toThrow(/no space left on device/);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(["g.graph.bin"]);
  });
});

describe("defect 5: limits stop runaways at once", () => {
  it("a cost of 1e308 ns is refused with its range", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "cost.json"), JSON.stringify({ statement: 1e308 }));
    const r = gcsim(["run", "workloads/linked-list.json", "-c", "mark-sweep", "--cost-model", join(dir, "cost.json")], { timeout: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`gcsim: cost model ${join(dir, "cost.json")}: /statement must be a number of nanoseconds in 0..1000000, got 1e+308\n`);
  });

  it("a page size that is not a power of two from 512 bytes is refused (first touches are counted per page)", () => {
    const dir = tempDir();
    for (const pageBytes of [1000, 256, 0]) {
      writeFileSync(join(dir, "cost.json"), JSON.stringify({ pageBytes }));
      const r = gcsim(["run", "workloads/linked-list.json", "-c", "mark-sweep", "--cost-model", join(dir, "cost.json")]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`gcsim: cost model ${join(dir, "cost.json")}: /pageBytes must be a power of two from 512 to 524288 bytes, got ${pageBytes}\n`);
    }
  });

  it("graph rewire and rebuild counts beyond the operation limit stop before doing any work", () => {
    const dir = tempDir();
    writeGraphFile(join(dir, "g.graph.bin"), SMALL_GRAPH);
    for (const statement of [
      { graph: "rewire" as const, from: "roots", count: "1000000000000000" },
      { graph: "rebuild" as const, from: "roots", count: "1000000000000000", nodes: 2 },
    ]) {
      const r = gcsim(["run", graphWorkload(dir, [statement]), "-c", "mark-sweep", "--max-ops", "100000"], { timeout: 30_000 });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^gcsim: graph ${statement.graph} of 1000000000000000 steps exceeds the operation limit of 100000 \\(raise it with --max-ops\\) at .+\n$`));
    }
  });

  it("a workload file that never ends (a FIFO fed from /dev/zero would be one) is cut at the size limit", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "big.json"), Buffer.alloc((16 << 20) + 1, 32));
    const r = gcsim(["validate", join(dir, "big.json")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`gcsim: workload ${join(dir, "big.json")} is larger than the limit of 16777216 bytes\n`);
  });
});

describe("defect 6: limits outside what the implementation supports are input errors", () => {
  it("an integer beyond 2^53 is refused with its JSON path", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "w.json"), '{"name":"w","main":{"body":[{"repeat":9007199254740993,"do":[{"collect":true}]}]}}');
    const r = gcsim(["run", join(dir, "w.json"), "-c", "mark-sweep"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`gcsim: ${join(dir, "w.json")}: 1 error\n  /main/body/0/repeat: integer 9007199254740992 is beyond the limit of ±9007199254740991 (2^53 - 1)\n`);
  });

  it("400 nested statements are one short error, not a stack overflow dumping the validator", () => {
    const dir = tempDir();
    let body: unknown[] = [{ collect: true }];
    for (let i = 0; i < 400; i++) body = [{ if: "1", then: body }];
    writeFileSync(join(dir, "w.json"), JSON.stringify({ name: "w", main: { body } }));
    const r = gcsim(["validate", join(dir, "w.json")]);
    expect(r.code).toBe(2);
    expectCleanError(r.stderr);
    expect(r.stderr).toContain("nested deeper than the limit of 64 levels");
    expect(r.stderr.length).toBeLessThan(2000);
  });

  it("a 2,000-term expression fails validate, not only run", () => {
    const dir = tempDir();
    const expr = Array(2000).fill("n").join(" + ");
    writeFileSync(join(dir, "w.json"), JSON.stringify({ name: "w", main: { locals: ["n:int"], body: [{ assign: "n", value: 1 }, { assign: "n", value: expr }] } }));
    for (const args of [["validate"], ["run", "-c", "mark-sweep"]]) {
      const r = gcsim([args[0], join(dir, "w.json"), ...args.slice(1)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("/main/body/1/value: expression of 3999 tokens is longer than the limit of 256");
    }
  });
});

describe("defect 7: check refuses corrupted results and baselines", () => {
  const baseline = JSON.parse(readFileSync("results/baseline.json", "utf8")) as Record<string, unknown>[];
  const completed = baseline.filter((r) => r.outcome === "completed").slice(0, 3);

  function check(results: unknown, base: unknown = completed) {
    const dir = tempDir();
    writeFileSync(join(dir, "results.json"), JSON.stringify(results));
    writeFileSync(join(dir, "baseline.json"), JSON.stringify(base));
    return gcsim(["check", join(dir, "results.json"), "--baseline", join(dir, "baseline.json")]);
  }

  it("the unchanged runs pass", () => {
    expect(check(completed).code).toBe(0);
  });

  it("a null metric is an input error naming the run and the path", () => {
    const damaged = structuredClone(completed);
    (damaged[1].time as Record<string, unknown>).gc = null;
    const r = check(damaged);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^gcsim: .*results\.json is not a valid gcsim results file .*: run 1 \(\S+ under \S+\): \/1\/time\/gc: expected a finite number, got null\n$/);
  });

  it("a run given twice (one copy hiding a regression) is an input error", () => {
    const worse = structuredClone(completed[0]);
    (worse.time as Record<string, number>).gc *= 10;
    const r = check([...completed, worse]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^gcsim: the results hold the same run twice: /);
  });

  it("a label or a new pause figure of the wrong type is exit 2 naming the path, and a report is not attempted", () => {
    const labelled = structuredClone(completed);
    (labelled[0] as Record<string, unknown>).label = false;
    expect(check(labelled).stderr).toMatch(/: \/0\/label: expected a string, got false\n$/);
    const counted = structuredClone(completed);
    (counted[0].pauses as Record<string, unknown>).atLeast1us = "3";
    expect(check(counted).stderr).toMatch(/: \/0\/pauses\/atLeast1us: expected a finite number, got a string\n$/);
    const dir = tempDir();
    writeFileSync(join(dir, "r.json"), JSON.stringify(labelled));
    const report = gcsim(["report", join(dir, "r.json"), "-o", join(dir, "r.html")]);
    expect(report.code).toBe(2);
    expect(report.stderr).not.toMatch(/TypeError/);
  });

  it("a missing options field is exit 2 naming the run, not a TypeError (exit 1 reads as a regression)", () => {
    const damaged = structuredClone(completed);
    delete damaged[0].options;
    const r = check(completed, damaged);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/baseline\.json is not a valid gcsim results file .*: run 0 \(.*\): \/0: missing "options"\n$/);
  });
});

describe("defect 8: security", () => {
  const REFUSED = (path: string) => `  /graph/file: "${path}" is not allowed: a workload may only name a file in its own folder or below it, by a relative path without ".."\n`;

  it("graph.file /etc/passwd, ../../x and /dev/zero are refused with exit 2, the same message whether or not the file exists", () => {
    const root = tempDir();
    const dir = join(root, "a", "b");
    mkdirSync(dir, { recursive: true });
    for (const path of ["/etc/passwd", "/etc/gcsim-does-not-exist", "../../x", "/dev/zero", "../b/g.graph.bin"]) {
      const outcomes = [false, true].map((exists) => {
        if (exists) writeFileSync(join(root, "x"), "x");
        const r = gcsim(["run", graphWorkload(dir, [], path), "-c", "mark-sweep"], { timeout: 30_000 });
        return { code: r.code, stderr: r.stderr };
      });
      expect(outcomes[0]).toEqual(outcomes[1]);
      expect(outcomes[0].code).toBe(2);
      expect(outcomes[0].stderr).toBe(`gcsim: ${join(dir, "g.json")}: 1 error\n${REFUSED(path)}`);
    }
  });

  it("a symlink in the folder pointing outside it is refused with the same message", () => {
    const dir = tempDir();
    symlinkSync("/etc/passwd", join(dir, "g.graph.bin"));
    const r = gcsim(["run", graphWorkload(dir, []), "-c", "mark-sweep"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`gcsim: ${join(dir, "g.json")}: 1 error\n${REFUSED("g.graph.bin")}`);
  });

  it("a crafted results file cannot inject HTML into a report", () => {
    const dir = tempDir();
    const run = JSON.parse(readFileSync("results/baseline.json", "utf8"))[0];
    const evil = "<img src=x onerror=alert(1)>";
    writeFileSync(join(dir, "names.json"), JSON.stringify({ ...run, workload: evil, collector: evil, params: { [evil]: 1 }, options: { [evil]: evil }, gcsim: evil }));
    const ok = gcsim(["report", join(dir, "names.json"), "-o", join(dir, "r.html")]);
    expect(ok.code).toBe(0);
    const html = readFileSync(join(dir, "r.html"), "utf8");
    expect(html).not.toContain("<img");
    expect(html).toContain("&#60;img src=x onerror=alert(1)&#62;");
    // Fields the page wrote out unescaped now have to be what the format says they are.
    writeFileSync(join(dir, "seed.json"), JSON.stringify({ ...run, seed: evil }));
    const bad = gcsim(["report", join(dir, "seed.json"), "-o", join(dir, "s.html")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("/seed: expected an integer up to 2^53, got a string");
    expect(existsSync(join(dir, "s.html"))).toBe(false);
  });

  it("a label naming an object property (__proto__, constructor) is only a label in the report", () => {
    const dir = tempDir();
    const run = JSON.parse(readFileSync("results/baseline.json", "utf8"))[0];
    writeFileSync(join(dir, "proto.json"), JSON.stringify([{ ...run, label: "__proto__" }, { ...run, label: "constructor", seed: 2 }]));
    const r = gcsim(["report", join(dir, "proto.json"), "-o", join(dir, "p.html")]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, "p.html"), "utf8")).toContain("__proto__");
  });

  it("validate escapes control characters: a workload cannot print a forged ok line", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "w.json"), JSON.stringify({ name: "w", main: { body: [] }, "x\u001b[2K\rok workloads/gcbench.json\nok forged": 1 }));
    const r = gcsim(["validate", join(dir, "w.json")]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(r.stderr.split("\n").filter((l) => l.startsWith("ok"))).toEqual([]);
    expect(r.stderr).toContain('unknown property "x\\x1b[2K\\rok workloads/gcbench.json\\nok forged"');
  });
});

describe("defect 9: a for step reads the local that shadows a parameter", () => {
  // The compiler folds a constant `for` step; it used to look the name up among
  // the parameters without checking the scope, so the step was the parameter
  // s = 1, not the local s = 2.
  it("the local wins: a step of 2 from 0 through 10 runs 6 times", () => {
    const doc: WorkloadDoc = {
      name: "shadow",
      params: { s: { default: 1 } },
      main: {
        locals: ["s:int", "i:int", "n:int"],
        body: [
          { assign: "s", value: 2 },
          { assign: "n", value: 0 },
          { for: "i", from: 0, through: 10, step: "s", do: [{ assign: "n", value: "n + 1" }] },
          { print: "{n}" },
        ],
      },
    };
    const result = runWorkload({ doc, file: "<shadow>" }, { collector: "mark-sweep" });
    expect(result.output).toEqual(["6"]);
  });
});

describe("print output is bounded", () => {
  it("a workload that prints without end stops at the output limit with its statement's path, exit 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "gcsim-print-"));
    const file = join(dir, "chatty.json");
    const doc: WorkloadDoc = { name: "chatty", main: { body: [{ while: "1 == 1", do: [{ print: "line" }] }] } };
    writeFileSync(file, JSON.stringify(doc));
    const r = gcsim(["run", file, "-c", "mark-sweep"], { timeout: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("gcsim: printed more than the output limit of 100000 lines or 16777216 characters at /main/body/0/do/0\n");
  });
});
