import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { randomWorkload } from "../src/conformance/random-workloads.js";
import { runWorkload } from "../src/sim/run.js";
import type { Handle, Mutator } from "../src/workload/script/define.js";
import { resolveDefinition, scriptDoc } from "../src/workload/script/load.js";
import type { LoadedWorkload } from "../src/workload/load.js";
import type { Statement, WorkloadDoc } from "../src/workload/types.js";
import { CONFIGURATIONS } from "./helpers.js";

/**
 * The JSON property tests' random programs, written a second time as script
 * workloads: the translation below turns each statement into the mutator
 * operation the README's table pairs it with, and runs it as TypeScript code
 * through the mutator API. Both forms must agree on everything that depends
 * on allocation and reachability, under every collector configuration,
 * with the verifier on.
 */

type M = Mutator;
type Vars = Record<string, Handle>;

const TARGET = /^([A-Za-z_]\w*)\.(\w+)$/;

/** The script form of one random workload (the generator's statement subset: see random-workloads.ts). */
function scriptForm(doc: WorkloadDoc): LoadedWorkload {
  const allocation = (s: Statement) => s.alloc as string | { slots: number; bytes: number };
  const ref = (vars: Vars, name: unknown) => (name === null ? null : vars[name as string]);

  /** Build(d): the generator's one function. Its JSON body is fixed; this is it as a script. */
  function build(m: M, d: number): Handle {
    const n = m.alloc("Pair");
    if (d > 0) m.scope(() => m.store(n, "f0", m.call(build, m, d - 1)));
    if (d > 0 && m.random(2) === 0) m.scope(() => m.store(n, "f1", m.call(build, m, d - 1)));
    else m.store(n, "f1", m.global("g0"));
    return m.escape(n);
  }

  function exec(m: M, vars: Vars, s: Statement): void {
    if (s.if !== undefined) {
      const guard = /^!isnull\((\w+)\)$/.exec(String(s.if));
      if (!guard) throw new Error(`untranslated condition ${s.if}`);
      if (!m.isNull(vars[guard[1]])) for (const t of s.then ?? []) exec(m, vars, t);
    } else if (s.repeat !== undefined) {
      for (let i = 0; i < Number(s.repeat); i++) for (const t of s.do ?? []) exec(m, vars, t);
    } else if (s.alloc !== undefined) {
      const a = allocation(s);
      const field = TARGET.exec(s.to!);
      if (field) m.allocInto(vars[field[1]], field[2], a as never);
      else if (typeof a === "string") m.alloc(a, {}, vars[s.to!]);
      else m.allocRaw(a.slots, a.bytes, vars[s.to!]);
    } else if (s.store !== undefined) {
      const [, x, f] = TARGET.exec(s.store)!;
      m.store(vars[x], f, ref(vars, s.value));
    } else if (s.load !== undefined) {
      const [, x, f] = TARGET.exec(s.load)!;
      m.load(vars[x], f, vars[s.to!]);
    } else if (s.assign !== undefined) {
      m.set(vars[s.assign], ref(vars, s.value));
    } else if (s.call !== undefined) {
      // A call's result goes to a variable (in a scope, so the call's own handle dies at once, as the return register lets go).
      m.scope(() => {
        m.set(vars[s.to!], m.call(build, m, Number(s.args![0])));
      });
    } else if (s.write !== undefined) {
      const [, x, word] = /^(\w+)\[(\d+)\]$/.exec(s.write)!;
      m.write(vars[x], Number(word), Number(s.value));
    } else if (s.collect !== undefined) {
      m.collect();
    } else {
      throw new Error(`untranslated statement ${JSON.stringify(s)}`);
    }
  }

  const problems: string[] = [];
  const script = resolveDefinition(
    {
      name: doc.name,
      description: "a random workload, as a script",
      params: {},
      types: doc.types,
      globals: (doc.globals ?? []).map((g) => g.split(":")[0]),
      main(m: M) {
        const vars: Vars = { g0: m.global("g0"), g1: m.global("g1") };
        for (const local of doc.main.locals ?? []) vars[local.split(":")[0]] = m.local();
        for (const s of doc.main.body) exec(m, vars, s);
      },
    },
    problems,
  );
  expect(problems).toEqual([]);
  return { doc: scriptDoc(script!), file: "<random script>", script };
}

describe("random workloads as scripts", () => {
  it.each(CONFIGURATIONS)("$label: the script form agrees with the JSON form (verified)", ({ collector, options }) => {
    let collections = 0;
    fc.assert(
      fc.property(randomWorkload, fc.integer({ min: 256, max: 4096 }), fc.integer({ min: 1, max: 1000 }), (doc, granules, seed) => {
        const common = { collector, collectorOptions: options, heapBytes: granules * 8, seed, verify: true };
        const json = runWorkload({ doc, file: "<random>" }, common);
        const script = runWorkload(scriptForm(doc), common);
        expect(script.error?.kind).not.toBe("verification");
        collections += script.collections.total;
        // Trial deletion run by a buffer threshold (cycle-threshold) counts possible roots, which
        // depend on how a returned reference reaches a variable, not only on reachability: JSON's
        // `call ... to: x` moves it from the return register into x, while the script's
        // `m.set(x, m.call(...))` copies it and then releases the call's own handle, one more
        // decrement that buffers it. Cycle collections at allocation failure still must agree.
        const byThreshold = collector === "rc" && options?.["cycle-threshold"] !== undefined;
        const figures = (r: typeof json) => ({
          outcome: r.outcome,
          allocated: r.allocated,
          collections: byThreshold ? { ...r.collections, cycle: null, total: null } : r.collections,
          live: [r.memory.finalLive, r.memory.finalLiveObjects],
          leaked: r.leaked,
        });
        expect(figures(script)).toEqual(figures(json));
      }),
      { numRuns: 25, seed: 20261123 },
    );
    expect(collections).toBeGreaterThan(50);
  });
});
