import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runWorkload } from "../src/sim/run.js";
import { compileUnlinked, compileWorkload, linkProgram, STATEMENT_KINDS } from "../src/workload/compile.js";
import { loadWorkload, programFor, SCHEMA_PATH } from "../src/workload/load.js";
import type { WorkloadDoc } from "../src/workload/types.js";

const shipped = readdirSync("workloads").filter((f) => f.endsWith(".json") && f !== "schema.json");

describe("statement kinds", () => {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, "utf8")) as {
    definitions: { statement: { description: string; properties: Record<string, unknown> } };
  };
  const statement = schema.definitions.statement;

  it("the schema's statement kinds are the compiler's emitter table's keys, in order", () => {
    const listed = /^Exactly one of: (.*)\.$/.exec(statement.description)?.[1].split(", ");
    expect(listed).toEqual(STATEMENT_KINDS);
  });

  it("the schema declares every kind as a statement property", () => {
    for (const kind of STATEMENT_KINDS) expect(Object.keys(statement.properties)).toContain(kind);
  });

  it("the README's statement table has a row for every kind", () => {
    const readme = readFileSync("README.md", "utf8");
    const table = readme.slice(readme.indexOf("| statement | meaning |"), readme.indexOf("Expressions are strings"));
    const firstCells = table.split("\n").map((row) => row.split(" | ")[0]);
    const rows = new Set(firstCells.flatMap((cell) => [...cell.matchAll(/`\{"([a-z]+)":/g)].map((m) => m[1])));
    expect([...rows].sort()).toEqual([...STATEMENT_KINDS].sort());
  });

  it("a statement with none or two kinds lists them from the table", () => {
    const doc: WorkloadDoc = { name: "t", main: { body: [{ note: "nothing" }, { collect: true, print: "x" }] } };
    expect(() => compileWorkload(doc, { storeBarrier: false, maxOps: 10, maxDepth: 10 })).toThrow(
      expect.objectContaining({
        details: [`/main/body/0: statement has none of ${STATEMENT_KINDS.join(", ")}`, "/main/body/1: statement has collect and print; use one statement per kind"],
      }),
    );
  });
});

describe("compile once, link per run", () => {
  const linkOptions = [
    { storeBarrier: false, rootBarrier: false, maxOps: 1e9, maxDepth: 10_000 },
    { storeBarrier: true, rootBarrier: false, maxOps: 1e9, maxDepth: 10_000 },
    { storeBarrier: true, rootBarrier: true, maxOps: 1000, maxDepth: 50 },
    { storeBarrier: false, rootBarrier: true, maxOps: 7, maxDepth: 3 },
  ];

  it.each(shipped)("%s: one compilation links to every collector's code, with every hole filled", (file) => {
    const doc = JSON.parse(readFileSync(`workloads/${file}`, "utf8")) as WorkloadDoc;
    const unlinked = compileUnlinked(doc);
    for (const options of linkOptions) {
      const linked = linkProgram(unlinked, options);
      expect(linked).toEqual(compileWorkload(doc, options));
      expect(linked.source).not.toMatch(/[\u0000\u0001]/);
    }
  });

  it("loading compiles; a run with the same parameters reuses that program, other parameters compile anew", () => {
    const w = loadWorkload("workloads/linked-list.json", { rounds: 2 });
    expect(w.program).toBeDefined();
    expect(programFor(w, { rounds: 2 })).toBe(w.program);
    expect(programFor(w, { rounds: 3 })).not.toBe(w.program);
    expect(programFor(w, { rounds: 3 }).params.rounds).toBe(3);
    const plain = loadWorkload("workloads/linked-list.json");
    expect(programFor(plain, {})).toBe(plain.program);
    expect(programFor(plain, undefined)).toBe(plain.program);
  });

  it("a run links the loaded program without compiling the document again", () => {
    const w = loadWorkload("workloads/linked-list.json", { rounds: 2 });
    // A document that no longer compiles: the run only works if it uses the loaded program.
    const broken = { ...w, doc: { ...w.doc, main: { body: [{ call: "Missing" }] } } };
    const a = runWorkload(w, { collector: "rc", params: { rounds: 2 }, heapBytes: 1 << 20 });
    const b = runWorkload(broken, { collector: "rc", params: { rounds: 2 }, heapBytes: 1 << 20 });
    expect(b.outcome).toBe("completed");
    expect(b.time).toEqual(a.time);
    // Without a loaded program (a workload built by hand), the run compiles the document.
    expect(() => runWorkload({ doc: broken.doc, file: w.file }, { collector: "rc", params: { rounds: 2 } })).toThrow(/1 error/);
  });
});
