/**
 * Boehm's GCBench in TypeScript: a statement-for-statement port of
 * workloads/gcbench.json, so the two allocate the same objects in the same
 * order and drop them at the same points (see the README, "Workloads in
 * TypeScript"). Run it with: gcsim run examples/workloads/gcbench.ts -c mark-sweep
 */
import { defineWorkload, type Handle, type Mutator } from "gcsim";

const types = {
  Node: { refs: ["left", "right"], bytes: 8, description: "class Node { Node left, right; int i, j; }" },
} as const;

type M = Mutator<typeof types, "longLivedTree" | "array">;
type Node = Handle<"Node">;

/** Nodes in a complete binary tree of depth i. */
const treeSize = (i: number) => 2 ** (i + 1) - 1;

/** Build a tree top-down: give node two children and recurse into each. */
function populate(m: M, depth: number, node: Node): void {
  if (depth <= 0) return;
  depth--;
  m.allocInto(node, "left", "Node");
  m.allocInto(node, "right", "Node");
  const child = m.load(node, "left")!;
  m.call(populate, m, depth, child);
  m.load(node, "right", child);
  m.call(populate, m, depth, child);
}

/** Build a tree bottom-up: both subtrees first, then the node that holds them. */
function makeTree(m: M, depth: number): Node {
  if (depth <= 0) return m.escape(m.alloc("Node"));
  const left = m.call(makeTree, m, depth - 1);
  const right = m.call(makeTree, m, depth - 1);
  return m.escape(m.alloc("Node", { left, right }));
}

function timeConstruction(m: M, depth: number, stretchDepth: number): void {
  const iterations = Math.trunc((2 * treeSize(stretchDepth)) / treeSize(depth));
  // Top-down construction
  const tempTree = m.local<"Node">();
  for (let i = 0; i < iterations; i++) {
    m.alloc("Node", {}, tempTree);
    m.call(populate, m, depth, tempTree);
    m.set(tempTree, null);
  }
  // Bottom-up construction: each tree is dropped when its scope closes.
  for (let i = 0; i < iterations; i++) {
    m.scope(() => {
      m.call(makeTree, m, depth);
    });
  }
}

export default defineWorkload({
  name: "gcbench",
  description:
    "Boehm's GCBench (Ellis, Kovac and Boehm), ported from workloads/gcbench.json: a stretch tree of depth 18 dropped at once; " +
    "a long-lived tree of depth 16 and a 500,000-element array of doubles kept for the whole run; then trees of each even depth " +
    "from 4 to 16 built top-down and bottom-up and dropped at once.",
  heap: "64MiB",
  params: {
    kStretchTreeDepth: { default: 18, description: "depth of the tree built once and dropped to stretch the heap" },
    kLongLivedTreeDepth: { default: 16, description: "depth of the tree kept alive for the whole run" },
    kArraySize: { default: 500000, description: "elements (8 bytes each) of the long-lived array" },
    kMinTreeDepth: { default: 4, description: "smallest depth of the short-lived trees" },
    kMaxTreeDepth: { default: 16, description: "largest depth of the short-lived trees (even depths from kMinTreeDepth)" },
  },
  types,
  globals: ["longLivedTree", "array"],
  main(m, p) {
    // Stretch the memory space quickly
    m.scope(() => {
      m.call(makeTree, m, p.kStretchTreeDepth);
    });
    // Create a long-lived object
    const longLivedTree = m.alloc("Node", {}, m.global("longLivedTree"));
    m.call(populate, m, p.kLongLivedTreeDepth, longLivedTree);
    // Create a long-lived array of doubles, filling half of it
    const array = m.allocRaw(0, p.kArraySize * 8, m.global("array"));
    for (let i = 0; i <= Math.trunc(p.kArraySize / 2) - 1; i++) m.write(array, 2 * i, i);
    for (let d = p.kMinTreeDepth; d <= p.kMaxTreeDepth; d += 2) m.call(timeConstruction, m, d, p.kStretchTreeDepth);
    // Keep the long-lived objects alive to the end, and check them
    if (m.isNull(longLivedTree)) throw new Error("the long-lived tree is gone");
    const element = m.read(array, 2000);
    if (element !== 1000) throw new Error(`array[2000] is ${element}, expected 1000`);
  },
});
