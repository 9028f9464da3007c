/**
 * A small workload in TypeScript: a list of n nodes, each with a payload of a
 * random size, rebuilt `rounds` times; each list dies when the next replaces
 * it. Run it with: gcsim run examples/workloads/example.ts -c generational
 */
import { defineWorkload, type Handle, type Mutator } from "gcsim";

const types = {
  Node: { refs: ["next", "data"], bytes: 8, description: "a list cell and its payload" },
} as const;

type M = Mutator<typeof types, "head">;

/** Payload sizes and their weights: small ones mostly, a large one now and then. */
const SIZES = [
  { bytes: 16, weight: 70 },
  { bytes: 64, weight: 25 },
  { bytes: 1024, weight: 5 },
];

function payloadBytes(m: M): number {
  let x = m.random(100);
  for (const s of SIZES) {
    if (x < s.weight) return s.bytes;
    x -= s.weight;
  }
  return SIZES[0].bytes;
}

/** A new list of n nodes, returned to the caller's scope. */
function make(m: M, n: number): Handle<"Node"> {
  const list = m.local<"Node">();
  for (let i = 0; i < n; i++) {
    // A scope per node: its handles die with it, the list holds what matters.
    m.scope(() => {
      const node = m.alloc("Node", { next: list });
      m.store(node, "data", m.allocRaw(0, payloadBytes(m)));
      m.set(list, node);
    });
  }
  return m.escape(list);
}

export default defineWorkload({
  name: "example",
  description: "a list of n nodes with random payloads, rebuilt rounds times: each list dies when the next replaces it",
  heap: "4MiB",
  seed: 1,
  params: {
    n: { default: 1000, description: "nodes per list" },
    rounds: { default: 20, description: "lists built" },
  },
  types,
  globals: ["head"],
  main(m, { n, rounds }) {
    const head = m.global("head");
    for (let round = 0; round < rounds; round++) {
      m.scope(() => {
        m.set(head, m.call(make, m, n));
      });
    }
    m.print(`built ${rounds} lists of ${n} nodes`);
  },
});
