import { describe, expect, it } from "vitest";
import { InputError } from "../src/errors.js";
import { compileWorkload } from "../src/workload/compile.js";
import { parseExpr } from "../src/workload/expr.js";
import { schemaErrors } from "../src/workload/load.js";
import type { Statement, WorkloadDoc } from "../src/workload/types.js";
import { run } from "./helpers.js";

const types = { Node: { refs: ["left", "right"], bytes: 8 } };

function program(body: Statement[], extra: Partial<WorkloadDoc> = {}): WorkloadDoc {
  return { name: "t", types, globals: ["out:int", "keep:ref"], main: { locals: ["x:ref", "y:ref", "i:int", "n:int"], body }, ...extra };
}

function compileErrors(doc: WorkloadDoc): string[] {
  try {
    compileWorkload(doc, { storeBarrier: false, maxOps: 1000, maxDepth: 100 });
    return [];
  } catch (e) {
    if (e instanceof InputError) return [...e.details];
    throw e;
  }
}

/** Runs a program and returns the int global `out`, read back through a payload word of `keep`. */
function evaluate(expr: string, seed = 1): number {
  const doc = program([
    { alloc: { slots: 0, bytes: 8 }, to: "keep" },
    { write: "keep[0]", value: expr },
  ]);
  const r = run(doc, { collector: "none", heapBytes: 1 << 16, seed });
  expect(r.error).toBeNull();
  return r.memory.finalGraphHash;
}

describe("expressions", () => {
  it("parse with the usual precedence and associativity", () => {
    const show = (e: ReturnType<typeof parseExpr>): string =>
      e.kind === "num" ? String(e.value) : e.kind === "name" ? e.name : e.kind === "unary" ? `(${e.op}${show(e.arg)})` : e.kind === "call" ? `${e.name}(${e.args.map(show).join(",")})` : `(${show(e.left)}${e.op}${show(e.right)})`;
    expect(show(parseExpr("1 + 2 * 3"))).toBe("(1+(2*3))");
    expect(show(parseExpr("2 ** 3 ** 2"))).toBe("(2**(3**2))");
    expect(show(parseExpr("a - b - c"))).toBe("((a-b)-c)");
    expect(show(parseExpr("a < b && !c || d"))).toBe("(((a<b)&&(!c))||d)");
    expect(show(parseExpr("max(a, -b) % 4"))).toBe("(max(a,(-b))%4)");
    expect(() => parseExpr("1 +")).toThrow(/unexpected end/);
    expect(() => parseExpr("a $ b")).toThrow(/unexpected character/);
  });

  it("compute integer arithmetic with truncating division, as Java and C do", () => {
    const same = (a: string, b: string) => expect(evaluate(a)).toBe(evaluate(b));
    same("7 / 2", "3");
    same("-7 / 2", "-3");
    same("-7 % 3", "-1");
    same("2 ** 10 - 1", "1023");
    same("(3 < 4) + (4 <= 4) + (5 == 5) + (5 != 5)", "3");
    same("min(3, 9) * max(3, 9) + abs(-2)", "29");
  });

  it("draw the same random numbers for the same seed and different ones for another", () => {
    expect(evaluate("rand(1000000)", 5)).toBe(evaluate("rand(1000000)", 5));
    expect(evaluate("rand(1000000)", 5)).not.toBe(evaluate("rand(1000000)", 6));
  });
});

describe("compile errors name the JSON path", () => {
  it.each<[string, Statement[], RegExp]>([
    ["unknown type", [{ alloc: "Nod", to: "x" }], /^\/main\/body\/0\/alloc: unknown type "Nod" \(types: Node\)$/],
    ["unknown variable", [{ assign: "z", value: null }], /^\/main\/body\/0\/assign: unknown variable "z"/],
    ["unknown field", [{ store: "x.middle", value: null }], /^\/main\/body\/0\/store: unknown field "middle"/],
    ["int where a reference is needed", [{ assign: "x", value: "i" }], /^\/main\/body\/0\/value: "i" is an int/],
    ["reference in arithmetic", [{ assign: "i", value: "x + 1" }], /^\/main\/body\/0\/value: "x" is a reference/],
    ["unknown function", [{ call: "Nope" }], /^\/main\/body\/0\/call: unknown function "Nope"/],
    ["syntax", [{ assign: "i", value: "1 +* 2" }], /^\/main\/body\/0\/value: unexpected "\*"/],
    ["two kinds in one statement", [{ assign: "i", value: 1, collect: true }], /^\/main\/body\/0: statement has assign and collect/],
    ["nested path", [{ if: "1", then: [{ repeat: 2, do: [{ alloc: "Leaf", to: "x" }] }] }], /^\/main\/body\/0\/then\/0\/do\/0\/alloc: unknown type/],
  ])("%s", (_name, body, message) => {
    const errors = compileErrors(program(body));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });

  it("reports every error, not only the first", () => {
    expect(compileErrors(program([{ alloc: "A", to: "x" }, { alloc: "B", to: "y" }]))).toHaveLength(2);
  });

  it("rejects unknown parameters, naming the valid ones", () => {
    const doc = program([], { params: { depth: { default: 3 } } });
    expect(() => compileWorkload(doc, { storeBarrier: false, params: { dpeth: 2 }, maxOps: 1, maxDepth: 1 })).toThrow(InputError);
    expect(compileErrors({ ...doc })).toEqual([]);
  });

  it("schema errors carry the path of the bad property", () => {
    const errors = schemaErrors({ name: "t", main: { body: [{ allc: "Node", to: "x" }] } });
    expect(errors).toContain('/main/body/0: unknown property "allc"');
    expect(schemaErrors({ name: "t", main: { body: [{ alloc: "Node" }] } })).toContain('/main/body/0: missing required property "to"');
  });
});

describe("run-time errors stop the run with the statement's path", () => {
  it.each<[string, Statement[], RegExp]>([
    ["unset reference variable", [{ load: "x.left", to: "y" }], /variable "x" read before it was set at \/main\/body\/0$/],
    ["unset int variable", [{ assign: "n", value: "i + 1" }], /variable "i" read before it was set at \/main\/body\/0$/],
    ["null dereference", [{ assign: "x", value: null }, { store: "x.left", value: null }], /null dereference of "x" at \/main\/body\/1$/],
    ["field out of range", [{ alloc: { slots: 1, bytes: 0 }, to: "x" }, { store: "x.right", value: null }], /field index 1 out of range .* at \/main\/body\/1$/],
    ["payload word out of range", [{ alloc: "Node", to: "x" }, { write: "x[2]", value: 1 }], /payload word 2 out of range .* at \/main\/body\/1$/],
    ["division by zero", [{ assign: "i", value: 0 }, { assign: "n", value: "5 / i" }], /division by zero at \/main\/body\/1$/],
    ["runaway loop", [{ while: "1", do: [{ assign: "i", value: 1 }] }], /operation limit .* at \/main\/body\/0/],
    ["failed assertion", [{ assert: "1 == 2" }], /assertion failed at \/main\/body\/0$/],
  ])("%s", (_name, body, message) => {
    const r = run(program(body), { collector: "mark-sweep", heapBytes: 1 << 16, maxOps: 10_000 });
    expect(r.outcome).toBe("error");
    expect(r.error?.kind).toBe("runtime");
    expect(r.error?.message).toMatch(message);
  });

  it("stops recursion deeper than the limit", () => {
    const doc = program([{ call: "Down", args: [0] }], {
      functions: { Down: { params: ["d:int"], body: [{ call: "Down", args: ["d + 1"] }] } },
    });
    const r = run(doc, { collector: "copying", heapBytes: 1 << 16, maxDepth: 500 });
    expect(r.error?.message).toMatch(/recursion deeper than the limit .* at \/functions\/Down\/body\/0$/);
  });

  it("reports out of memory with the allocation's path, the request, the heap and the live size", () => {
    const doc = program([{ alloc: "Node", to: "keep" }, { repeat: 10_000, do: [{ alloc: "Node", to: "x", init: { left: "keep" } }, { assign: "keep", value: "x" }] }]);
    for (const collector of ["none", "mark-sweep", "copying"]) {
      const r = run(doc, { collector, heapBytes: 4096 });
      expect(r.outcome).toBe("out-of-memory");
      expect(r.error?.message).toMatch(/^out of memory at \/main\/body\/1\/do\/0: requested 32 bytes, heap 4096, live \d+$/);
    }
  });
});

describe("generated code", () => {
  it("never contains names or strings from the workload", () => {
    const hostile = ['x"); process.exit(1); ("', "__proto__", "constructor", "a\\nb", "toString"];
    // Names the schema would reject still must not reach the source when the compiler is used directly.
    const doc: WorkloadDoc = {
      name: "hostile",
      types: { [hostile[0]]: { refs: [hostile[2]], bytes: 8 } },
      params: Object.fromEntries(hostile.map((h, i) => [`p${i}`, { default: i, description: h }])),
      functions: { [hostile[1]]: { params: [`${hostile[3]}:int`], body: [{ note: hostile[0], return: null }] } },
      main: {
        locals: [`${hostile[0]}:ref`, "plain:ref", `${hostile[4]}:int`],
        body: [
          { alloc: hostile[0], to: "plain" },
          { assign: hostile[0], value: "plain" },
          { assign: hostile[4], value: 3 },
          { call: hostile[1], args: [hostile[4]] },
        ],
      },
    };
    const compiled = compileWorkload(doc, { storeBarrier: false, maxOps: 10, maxDepth: 10 });
    expect(run(doc, { collector: "copying", heapBytes: 4096 }).outcome).toBe("completed");
    for (const h of hostile) expect(compiled.source).not.toContain(h);
  });
});
