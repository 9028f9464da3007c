/**
 * The Computer Language Benchmarks Game's binary-trees in TypeScript: a
 * statement-for-statement port of workloads/binary-trees.json (same objects,
 * same order, dropped at the same points; same output).
 * Run it with: gcsim run examples/workloads/binary-trees.ts -c copying --param N=12
 */
import { defineWorkload, type Handle, type Mutator } from "gcsim";

const types = {
  TreeNode: { refs: ["left", "right"], description: "class TreeNode { TreeNode left, right; }" },
} as const;

type M = Mutator<typeof types, "longLivedTree">;
type TreeNode = Handle<"TreeNode">;

function bottomUpTree(m: M, depth: number): TreeNode {
  if (depth <= 0) return m.escape(m.alloc("TreeNode"));
  const left = m.call(bottomUpTree, m, depth - 1);
  const right = m.call(bottomUpTree, m, depth - 1);
  return m.escape(m.alloc("TreeNode", { left, right }));
}

/** Nodes in the tree: 1 for a leaf, else 1 + the checks of both children. */
function itemCheck(m: M, node: TreeNode): number {
  const child = m.load(node, "left");
  if (child === null) return 1;
  const left = m.call(itemCheck, m, child);
  m.load(node, "right", child);
  const right = m.call(itemCheck, m, child);
  return 1 + left + right;
}

export default defineWorkload({
  name: "binary-trees",
  description:
    "The Computer Language Benchmarks Game's binary-trees, ported from workloads/binary-trees.json: a stretch tree of depth N+1 " +
    "built, checked and dropped; a long-lived tree of depth N; then 2^(N-d+4) trees of each even depth d from 4 to N built, checked and dropped.",
  heap: "64MiB",
  params: {
    N: { default: 10, description: "maximum tree depth (the benchmark's argument; at least 6)" },
  },
  types,
  globals: ["longLivedTree"],
  main(m, { N }) {
    const minDepth = 4;
    const maxDepth = Math.max(minDepth + 2, N);
    const stretchDepth = maxDepth + 1;
    const stretchCheck = m.scope(() => m.call(itemCheck, m, m.call(bottomUpTree, m, stretchDepth)));
    m.print(`stretch tree of depth ${stretchDepth}\t check: ${stretchCheck}`);

    const longLivedTree = m.global("longLivedTree");
    m.scope(() => {
      m.set(longLivedTree, m.call(bottomUpTree, m, maxDepth));
    });
    // As in the JSON program, `tree` holds the previous tree until the next one is built.
    const tree = m.local<"TreeNode">();
    for (let d = minDepth; d <= maxDepth; d += 2) {
      const iterations = 2 ** (maxDepth - d + minDepth);
      let check = 0;
      for (let i = 0; i < iterations; i++) {
        m.scope(() => {
          m.set(tree, m.call(bottomUpTree, m, d));
        });
        check += m.call(itemCheck, m, tree);
      }
      m.set(tree, null);
      m.print(`${iterations}\t trees of depth ${d}\t check: ${check}`);
    }
    m.print(`long lived tree of depth ${maxDepth}\t check: ${m.call(itemCheck, m, longLivedTree)}`);
  },
});
