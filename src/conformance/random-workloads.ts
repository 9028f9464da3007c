/**
 * fast-check arbitraries for random workloads: random graphs built by random
 * allocations, stores, loads, drops, recursive calls and forced collections,
 * so that old objects come to point at young ones and cycles appear.
 * Every dereference is guarded by isnull, so a generated workload never
 * fails at run time; the only legitimate outcomes are completion and
 * running out of memory.
 */
import fc from "fast-check";
import type { Statement, WorkloadDoc } from "../workload/types.js";

const REF_VARS = ["a", "b", "c", "d", "g0", "g1"];
const refVar = fc.constantFrom(...REF_VARS);
const field = fc.constantFrom("f0", "f1");

const allocation = fc.oneof(
  fc.constantFrom<Statement["alloc"]>("Pair", "Triple", "Blob"),
  fc.record({ slots: fc.integer({ min: 2, max: 6 }), bytes: fc.integer({ min: 0, max: 200 }) }),
);

const guarded = (v: string, then: Statement[]): Statement => ({ if: `!isnull(${v})`, then });

const simple: fc.Arbitrary<Statement> = fc.oneof(
  fc.record({ alloc: allocation, to: refVar }),
  fc.tuple(refVar, field, allocation).map(([x, f, alloc]) => guarded(x, [{ alloc, to: `${x}.${f}` }])),
  fc.tuple(refVar, field, fc.option(refVar)).map(([x, f, y]) => guarded(x, [{ store: `${x}.${f}`, value: y }])),
  fc.tuple(refVar, field, refVar).map(([x, f, y]) => guarded(x, [{ load: `${x}.${f}`, to: y }])),
  fc.tuple(refVar, fc.option(refVar)).map(([x, y]) => ({ assign: x, value: y })),
  fc.tuple(refVar, fc.integer({ min: 0, max: 5 })).map(([x, d]) => ({ call: "Build", args: [d], to: x })),
  fc.tuple(refVar, fc.integer({ min: -1000, max: 1000 })).map(([x, v]): Statement => ({
    repeat: 1,
    do: [{ alloc: "Triple", to: x }, { write: `${x}[2]`, value: v }],
  })),
  fc.constant<Statement>({ collect: true }),
);

const statement: fc.Arbitrary<Statement> = fc.oneof(
  { weight: 8, arbitrary: simple },
  {
    weight: 1,
    arbitrary: fc.record({ repeat: fc.integer({ min: 1, max: 30 }), do: fc.array(simple, { minLength: 1, maxLength: 6 }) }),
  },
);

export const randomWorkload: fc.Arbitrary<WorkloadDoc> = fc
  .array(statement, { minLength: 1, maxLength: 60 })
  .map((body) => ({
    name: "random",
    types: {
      Pair: { refs: ["f0", "f1"] },
      Triple: { refs: ["f0", "f1", "f2"], bytes: 12 },
      Blob: { refs: ["f0", "f1"], bytes: 1000 },
    },
    globals: ["g0:ref", "g1:ref"],
    functions: {
      Build: {
        description: "A random binary tree of at most depth d, one child possibly shared with a global.",
        params: ["d:int"],
        returns: "ref",
        locals: ["n:ref"],
        body: [
          { alloc: "Pair", to: "n" },
          { if: "d > 0", then: [{ call: "Build", args: ["d - 1"], to: "n.f0" }] },
          { if: "d > 0 && rand(2) == 0", then: [{ call: "Build", args: ["d - 1"], to: "n.f1" }], else: [{ store: "n.f1", value: "g0" }] },
          { return: "n" },
        ],
      },
    },
    main: {
      locals: ["a:ref", "b:ref", "c:ref", "d:ref"],
      body: [...REF_VARS.map((v): Statement => ({ assign: v, value: null })), ...body],
    },
  }));
