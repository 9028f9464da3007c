#!/usr/bin/env node
/**
 * The hostile-input fuzzer: mutated workloads, graph sidecars, heap
 * snapshots, cost models and results files, each run through the gcsim
 * command line (the real `main` of dist/cli/main.js, in a child process),
 * checking that every input ends in one of:
 *   - success (exit 0; 1 for `check`, which found a regression), or
 *   - a clean error: exit 2 or 3, stderr a "gcsim: ..." line (plus indented
 *     detail lines for listings), no stack trace, no control characters,
 *     under 64 KiB;
 * and never in an exception escaping main (a stack trace), a crash of the
 * child, or a hang: a mutant that makes no progress for --budget seconds is
 * killed and counted as a hang.
 *
 *   node scripts/fuzz.mjs [--runs 300] [--seed 1] [--budget 20] [--json]
 *   npm run fuzz -- --runs 5000
 *
 * Mutants come from fast-check (seeded, so a run is reproducible): each is a
 * seed file of one kind with one to four mutations - a JSON value replaced by
 * a hostile one (huge, negative, beyond 2^53, control characters, escapes of
 * the folder, deep nesting, long expressions), a key deleted, bytes flipped
 * or inserted, the file truncated, a sidecar word overwritten (with its
 * checksum fixed, so the checks behind the checksum are reached too).
 * Exit status: 0 when every mutant passed, 1 otherwise (the failures are listed).
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const KINDS = ["workload", "sidecar", "snapshot", "cost-model", "results"];

function parseArgs(argv) {
  const args = { runs: 300, seed: 1, budget: 20, json: false, child: false, from: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") args.json = true;
    else if (a === "--child") args.child = true;
    else if (["--runs", "--seed", "--budget", "--from"].includes(a)) args[a.slice(2)] = Number(argv[++i]);
    else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

// ---------------------------------------------------------------- mutants

const HOSTILE_STRINGS = [
  "",
  "\u001b[2K\rok workloads/gcbench.json",
  "x\nok forged",
  "<script>alert(1)</script>",
  "/etc/passwd",
  "../../x",
  "/dev/zero",
  "..",
  ".",
  "a".repeat(5000),
  Array(600).fill("n").join("+"),
  "(".repeat(300) + "1" + ")".repeat(300),
  "n * 1000000000000",
  "9007199254740993",
  "max(1, 10 ** 20)",
  "__proto__",
  "constructor",
  "64TiB",
  "3GiB",
];
const HOSTILE_NUMBERS = [0, -1, 1, 7, 2 ** 24, 2 ** 24 - 1, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 53, 2 ** 53 + 2, -(2 ** 60), 1e308, -1e308, 0.5, 1e-300, 4294967296];

// Hostile values are JSON text, so that values too deep for JSON.stringify can be spliced in.
const deepValue = (depth) => '{"do":['.repeat(depth) + "1" + "]}".repeat(depth);
const deepStatement = (depth) => '{"if":"1","then":['.repeat(depth) + '{"collect":true}' + "]}".repeat(depth);
const text = (value) => JSON.stringify(value);

const hostileValue = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS.map(text), "1e999", "-1e999", "123456789012345678901234567890") },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS.map(text)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(text) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 20 }).map(text) },
  { weight: 1, arbitrary: fc.integer({ min: 10, max: 3000 }).map(deepValue) },
  { weight: 1, arbitrary: fc.integer({ min: 10, max: 800 }).map(deepStatement) },
  { weight: 1, arbitrary: fc.constantFrom("null", "true", "false", "[]", "{}") },
);

const mutation = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant("set"), at: fc.nat(), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("delete"), at: fc.nat() }) },
  { weight: 9, arbitrary: fc.record({ op: fc.constant("tweak"), at: fc.nat(), value: fc.oneof(fc.integer({ min: -2, max: 40 }), fc.integer({ min: 0, max: 100000 })) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("rename"), at: fc.nat(), key: fc.constantFrom(...HOSTILE_STRINGS.slice(0, 9)) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("bytes"), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }), insert: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("truncate"), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("word"),
      at: fc.nat(),
      value: fc.oneof(fc.constantFrom(...HOSTILE_NUMBERS.filter((n) => Number.isInteger(n))), fc.integer()),
      fixChecksum: fc.boolean(),
    }),
  },
);

const plan = fc.record({ kind: fc.constantFrom(...KINDS), mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }) });

/** Every [container, key] in a JSON value, breadth-first (iterative). */
function slots(root) {
  const out = [];
  const queue = [root];
  for (let q = 0; q < queue.length && out.length < 5000; q++) {
    const v = queue[q];
    if (typeof v !== "object" || v === null) continue;
    for (const k of Array.isArray(v) ? v.keys() : Object.keys(v)) {
      out.push([v, k]);
      queue.push(v[k]);
    }
  }
  return out;
}

function mutateJson(text, m) {
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    return text;
  }
  const all = slots(json);
  if (all.length === 0) return text;
  let [container, key] = all[m.at % all.length];
  if (m.op === "tweak") {
    // A plausible value instead of a hostile one: a small number, or an expression scaled by one.
    const leaves = all.filter(([c, k]) => typeof c[k] === "number" || (typeof c[k] === "string" && /^[\w ()+*/-]+$/.test(c[k])));
    if (leaves.length === 0) return text;
    [container, key] = leaves[m.at % leaves.length];
    const old = container[key];
    container[key] = typeof old === "number" ? m.value : m.value % 2 ? `(${old}) * ${m.value}` : `(${old}) + ${m.value}`;
  }
  const PLACE = "\u0001gcsim-fuzz-value\u0001";
  if (m.op === "set") container[key] = PLACE;
  else if (m.op === "delete") {
    if (Array.isArray(container)) container.splice(key, 1);
    else delete container[key];
  } else if (m.op === "rename" && !Array.isArray(container)) {
    Object.defineProperty(container, m.key, { value: container[key], enumerable: true, writable: true, configurable: true });
    if (m.key !== key) delete container[key];
  }
  let out;
  try {
    out = JSON.stringify(json);
  } catch {
    return text; // too deep to serialise again: keep the previous mutant
  }
  return m.op === "set" ? out.replace(JSON.stringify(PLACE), () => m.value) : out;
}

/** FNV-1a over the sidecar's body words, as src/graph/graph-file.ts computes it. */
function fixChecksum(bytes) {
  if (bytes.length < 24 || bytes.length % 4 !== 0) return;
  const words = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  let h = 0x811c9dc5 | 0;
  for (let i = 6; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193);
  words[5] = h;
}

function mutateBytes(bytes, m) {
  if (m.op === "truncate") return bytes.subarray(0, Math.floor(bytes.length * m.fraction));
  if (m.op === "bytes") {
    const at = bytes.length === 0 ? 0 : m.at % bytes.length;
    if (m.insert) return Buffer.concat([bytes.subarray(0, at), Buffer.from(m.bytes), bytes.subarray(at)]);
    const out = Buffer.from(bytes);
    for (let i = 0; i < m.bytes.length && at + i < out.length; i++) out[at + i] ^= m.bytes[i];
    return out;
  }
  if (m.op === "word" && bytes.length >= 4) {
    const out = Buffer.from(bytes);
    const words = Math.floor(out.length / 4);
    out.writeInt32LE(m.value | 0, 4 * (m.at % words));
    if (m.fixChecksum) fixChecksum(out);
    return out;
  }
  return bytes;
}

/** Applies the plan's mutations: JSON ones to JSON text, byte ones to any file. */
function mutate(seed, mutations, binary) {
  let bytes = Buffer.from(seed);
  for (const m of mutations) {
    if (["set", "delete", "rename", "tweak"].includes(m.op)) {
      if (!binary) bytes = Buffer.from(mutateJson(bytes.toString("utf8"), m));
    } else if (m.op === "word") {
      if (binary) bytes = mutateBytes(bytes, m);
      else bytes = Buffer.from(mutateJson(bytes.toString("utf8"), { op: "set", at: m.at, value: String(m.value) }));
    } else bytes = mutateBytes(bytes, m);
  }
  return bytes;
}

// ---------------------------------------------------------------- the child: runs mutants through main()

function classify(command, code, stderr, threw) {
  if (threw) return `exception escaped main: ${threw}`;
  const okCodes = command === "check" ? [0, 1, 2, 3] : [0, 2, 3];
  if (!okCodes.includes(code)) return `exit code ${code}`;
  if (code >= 2) {
    if (!stderr.startsWith("gcsim: ")) return `error output does not start with "gcsim: ": ${JSON.stringify(stderr.slice(0, 200))}`;
    for (const line of stderr.split("\n").slice(1)) {
      if (line !== "" && !line.startsWith("  ") && !line.startsWith("gcsim: ")) return `error output has a stray line: ${JSON.stringify(line.slice(0, 200))}`;
    }
  }
  if (/^\s+at .+:\d+:\d+\)?$/m.test(stderr)) return "stack trace on stderr";
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(stderr)) return "control character on stderr";
  if (stderr.length > 65536) return `stderr of ${stderr.length} bytes`;
  return undefined;
}

async function child(args) {
  const { main } = await import(join(ROOT, "dist/cli/main.js"));
  const dir = mkdtempSync(join(tmpdir(), "gcsim-fuzz-"));
  const protocol = (message) => writeSync(1, JSON.stringify(message) + "\n");
  let captured = "";
  const realStdout = process.stdout.write.bind(process.stdout);
  const realStderr = process.stderr.write.bind(process.stderr);
  const gcsim = async (...argv) => {
    captured = "";
    let out = "";
    process.stdout.write = (chunk) => ((out += String(chunk)), true);
    process.stderr.write = (chunk) => ((captured += String(chunk)), true);
    process.exitCode = undefined;
    let code;
    let threw;
    try {
      code = await main(["node", "gcsim", ...argv]);
    } catch (e) {
      threw = (e && e.stack) || String(e);
    } finally {
      process.stdout.write = realStdout;
      process.stderr.write = realStderr;
      process.exitCode = undefined;
    }
    return { code, stderr: captured, stdout: out, threw };
  };

  // Seeds: small files of every kind, made with gcsim itself.
  const w = (name) => readFileSync(join(ROOT, "workloads", name), "utf8");
  const workloadSeeds = ["linked-list.json", "random-tree.json", "lru-cache.json", "cyclic-garbage.json", "request-server.json", "gcbench.json"].map(w);
  const snapshotSeed = JSON.stringify({
    snapshot: {
      meta: {
        node_fields: ["type", "name", "id", "self_size", "edge_count", "trace_node_id", "detachedness"],
        node_types: [["hidden", "object"], "string", "number", "number", "number", "number", "number"],
        edge_fields: ["type", "name_or_index", "to_node"],
        edge_types: [["context", "element", "property", "internal", "hidden", "shortcut", "weak"], "string_or_number", "node"],
      },
      node_count: 5,
      edge_count: 8,
    },
    nodes: [0, 0, 1, 0, 2, 0, 0, 0, 1, 3, 40, 2, 0, 0, 0, 1, 5, 24, 1, 0, 0, 0, 1, 7, 32, 2, 0, 0, 0, 1, 9, 16, 1, 0, 0],
    edges: [2, 0, 7, 2, 1, 14, 2, 0, 14, 2, 0, 21, 2, 0, 7, 2, 0, 28, 2, 0, 21, 6, 0, 7],
    strings: ["", "a"],
  });
  const snapshotFile = join(dir, "seed.heapsnapshot");
  writeFileSync(snapshotFile, snapshotSeed);
  const graphDir = join(dir, "graph");
  mkdirSync(graphDir);
  for (const scenario of ["steady", "churn"]) {
    const r = await gcsim("import-heapsnapshot", snapshotFile, "-o", join(graphDir, `${scenario}.json`), "--scenario", scenario);
    if (r.code !== 0) throw new Error(`cannot make the sidecar seed: ${r.stderr}`);
  }
  const sidecarSeed = readFileSync(join(graphDir, "steady.graph.bin"));
  const resultsFile = join(dir, "baseline.json");
  {
    const runs = [];
    for (const c of ["mark-sweep", "rc"]) {
      const r = await gcsim("run", join(ROOT, "workloads/linked-list.json"), "-c", c, "--param", "rounds=2", "--param", "grow=50", "--format", "json");
      if (r.code !== 0) throw new Error(`cannot make the results seed: ${r.stderr}`);
      runs.push(JSON.parse(r.stdout));
    }
    // A timeline, as --with-timeline records it, so the report's charts read mutated rows too.
    runs[0].timeline = [
      { index: 0, startNs: 1000, kind: "full", reason: "allocation", pauseNs: 50, usedBefore: 4096, usedAfter: 1024, liveAfter: 1024, footprint: 4096 },
      { index: 1, startNs: 3000, kind: "full", reason: "allocation", pauseNs: 70, usedBefore: 4096, usedAfter: 2048, liveAfter: null, footprint: 4096 },
    ];
    writeFileSync(resultsFile, JSON.stringify(runs));
  }
  const resultsSeed = readFileSync(resultsFile, "utf8");
  const costSeed = JSON.stringify({ objectMarked: 20, wordCopied: 1, statement: 2, description: "seed" });

  const mutants = fc.sample(plan, { numRuns: args.runs, seed: args.seed });
  const collectors = ["mark-sweep", "copying", "mark-compact", "rc", "generational", "none"];
  const LIMITS = ["--max-ops", "2000000", "--heap", "1MiB", "-q"];
  const work = join(dir, "work");
  mkdirSync(work);
  for (let i = args.from; i < mutants.length; i++) {
    const { kind, mutations } = mutants[i];
    const collector = collectors[i % collectors.length];
    protocol({ start: i, kind });
    const invocations = [];
    const wl = (file) => join(work, file);
    if (kind === "workload") {
      const seed = workloadSeeds[Math.floor(i / collectors.length) % workloadSeeds.length];
      writeFileSync(wl("w.json"), mutate(seed, mutations, false));
      invocations.push(["validate", wl("w.json")]);
      invocations.push(["run", wl("w.json"), "-c", collector, ...LIMITS, "--format", "json", "-o", wl("out.json")]);
    } else if (kind === "sidecar") {
      const scenario = i % 2 ? "steady" : "churn";
      writeFileSync(wl("g.json"), readFileSync(join(graphDir, `${scenario}.json`), "utf8").replace(`${scenario}.graph.bin`, "g.graph.bin"));
      writeFileSync(wl("g.graph.bin"), mutate(sidecarSeed, mutations, true));
      invocations.push(["inspect", wl("g.json"), "--format", "json"]);
      invocations.push(["run", wl("g.json"), "-c", collector, ...LIMITS, "--verify", "--param", "steps=3"]);
    } else if (kind === "snapshot") {
      writeFileSync(wl("s.heapsnapshot"), mutate(snapshotSeed, mutations, false));
      invocations.push(["import-heapsnapshot", wl("s.heapsnapshot"), "-o", wl("imported.json"), "--scenario", i % 2 ? "churn" : "steady"]);
      invocations.push(["run", wl("imported.json"), "-c", collector, ...LIMITS, "--verify", "--param", "steps=3"]);
    } else if (kind === "cost-model") {
      writeFileSync(wl("c.json"), mutate(costSeed, mutations, false));
      invocations.push(["run", join(ROOT, "workloads/linked-list.json"), "-c", collector, "--param", "rounds=2", "--param", "grow=200", "--cost-model", wl("c.json"), "--format", "json"]);
    } else {
      writeFileSync(wl("r.json"), mutate(resultsSeed, mutations, false));
      invocations.push(["check", wl("r.json"), "--baseline", resultsFile]);
      invocations.push(["check", resultsFile, "--baseline", wl("r.json")]);
      invocations.push(["report", wl("r.json"), "-o", wl("report.html")]);
    }
    const outcomes = [];
    for (const argv of invocations) {
      const t0 = performance.now();
      const r = await gcsim(...argv);
      const failure = classify(argv[0], r.code, r.stderr, r.threw);
      outcomes.push({ command: argv[0], code: r.threw ? "exception" : r.code, ms: performance.now() - t0, failure, stderr: failure ? r.stderr.slice(0, 2000) : undefined, threw: r.threw?.slice(0, 2000) });
      if (argv[0] === "import-heapsnapshot" && r.code !== 0) break; // nothing to run
    }
    protocol({ done: i, kind, outcomes, mutations: outcomes.some((o) => o.failure) ? JSON.stringify(mutations).slice(0, 4000) : undefined });
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work);
  }
  rmSync(dir, { recursive: true, force: true });
  protocol({ finished: true });
}

// ---------------------------------------------------------------- the parent: watchdog and summary

async function parent(args) {
  const summary = { mutants: 0, invocations: 0, byKind: {}, exitCodes: {}, failures: [], hangs: [], crashes: [], slowestMs: 0, seed: args.seed, runs: args.runs };
  let from = 0;
  while (from < args.runs) {
    const result = await new Promise((resolveRun) => {
      const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), "--child", "--runs", String(args.runs), "--seed", String(args.seed), "--from", String(from)], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let current;
      let timer;
      let buffered = "";
      let stderr = "";
      let finished = false;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          proc.kill("SIGKILL");
          resolveRun({ hang: current });
        }, args.budget * 1000);
      };
      arm();
      proc.stderr.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
      proc.stdout.on("data", (data) => {
        buffered += data;
        let nl;
        while ((nl = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          let m;
          try {
            m = JSON.parse(line);
          } catch {
            continue;
          }
          if (m.start !== undefined) {
            current = m;
            arm();
          } else if (m.done !== undefined) {
            summary.mutants++;
            summary.byKind[m.kind] = (summary.byKind[m.kind] ?? 0) + 1;
            for (const o of m.outcomes) {
              summary.invocations++;
              const key = `${o.command} ${o.code}`;
              summary.exitCodes[key] = (summary.exitCodes[key] ?? 0) + 1;
              summary.slowestMs = Math.max(summary.slowestMs, Math.round(o.ms));
              if (o.failure) summary.failures.push({ mutant: m.done, kind: m.kind, command: o.command, failure: o.failure, stderr: o.stderr, threw: o.threw, mutations: m.mutations });
            }
            from = m.done + 1;
          } else if (m.finished) finished = true;
        }
      });
      proc.on("exit", (code, signal) => {
        clearTimeout(timer);
        if (finished) resolveRun({});
        else resolveRun({ crash: { mutant: current, code, signal, stderr } });
      });
    });
    if (result.crash && result.crash.mutant === undefined) {
      summary.crashes.push(result.crash); // the seeds could not be made: nothing to fuzz
      break;
    }
    if (result.hang) {
      summary.hangs.push({ mutant: result.hang?.start, kind: result.hang?.kind });
      from = (result.hang?.start ?? from) + 1;
    } else if (result.crash) {
      summary.crashes.push(result.crash);
      from = (result.crash.mutant?.start ?? from) + 1;
    } else break;
  }
  const ok = summary.failures.length === 0 && summary.hangs.length === 0 && summary.crashes.length === 0;
  if (args.json) process.stdout.write(JSON.stringify(summary) + "\n");
  else {
    process.stdout.write(
      `${summary.mutants} mutants (${Object.entries(summary.byKind).map(([k, v]) => `${k} ${v}`).join(", ")}), ${summary.invocations} gcsim invocations, seed ${args.seed}\n` +
        `exit codes: ${Object.entries(summary.exitCodes).sort().map(([k, v]) => `${k}: ${v}`).join(", ")}\n` +
        `slowest invocation ${summary.slowestMs} ms; stack traces or bad output ${summary.failures.length}, hangs (> ${args.budget} s) ${summary.hangs.length}, crashes ${summary.crashes.length}\n`,
    );
    for (const f of [...summary.failures, ...summary.hangs, ...summary.crashes].slice(0, 20)) process.stdout.write(`${JSON.stringify(f)}\n`);
  }
  process.exitCode = ok ? 0 : 1;
}

const args = parseArgs(process.argv.slice(2));
if (args.child) await child(args);
else await parent(args);
