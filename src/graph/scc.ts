/**
 * Strongly connected components of a graph in compressed sparse rows, in
 * typed arrays and without recursion (Tarjan 1972, iteratively), for graphs
 * of millions of nodes. Nodes that cannot lie on a cycle (no predecessor or
 * no successor left) are peeled off first, which leaves Tarjan little to do
 * on mostly acyclic graphs. Used for leaked cycles and for heap-snapshot
 * statistics.
 */
import { IntStack } from "../heap/int-stack.js";

export interface Csr {
  /** Number of nodes. */
  n: number;
  /** Edges of node v are targets[start[v] .. start[v + 1]). */
  start: Int32Array;
  targets: Int32Array;
}

export interface Components {
  /** Component number of every node. */
  component: Int32Array;
  /** Size of every component. */
  sizes: number[];
  /** Whether a component is cyclic: more than one node, or one node with an edge to itself. */
  cyclic: boolean[];
}

export function stronglyConnectedComponents({ n, start, targets }: Csr): Components {
  const component = new Int32Array(n).fill(-1);
  const sizes: number[] = [];
  const cyclic: boolean[] = [];
  const selfLoop = new Uint8Array(n);
  const inDegree = new Int32Array(n);
  const outDegree = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    for (let e = start[v]; e < start[v + 1]; e++) {
      const t = targets[e];
      if (t === v) selfLoop[v] = 1;
      else {
        inDegree[t]++;
        outDegree[v]++;
      }
    }
  }
  // Reverse edges, to peel sinks backwards.
  const reverseStart = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) reverseStart[v + 1] = reverseStart[v] + inDegree[v];
  const reverse = new Int32Array(reverseStart[n]);
  const fill = reverseStart.slice(0, n);
  for (let v = 0; v < n; v++) for (let e = start[v]; e < start[v + 1]; e++) if (targets[e] !== v) reverse[fill[targets[e]]++] = v;

  const singleton = (v: number) => {
    component[v] = sizes.length;
    sizes.push(1);
    cyclic.push(selfLoop[v] === 1);
  };
  const work = new IntStack();
  for (let v = 0; v < n; v++) if (inDegree[v] === 0 || outDegree[v] === 0) work.push(v);
  while (work.length > 0) {
    const v = work.pop();
    if (component[v] >= 0) continue;
    singleton(v);
    for (let e = start[v]; e < start[v + 1]; e++) {
      const t = targets[e];
      if (t !== v && component[t] < 0 && --inDegree[t] === 0) work.push(t);
    }
    for (let e = reverseStart[v]; e < reverseStart[v + 1]; e++) {
      const p = reverse[e];
      if (component[p] < 0 && --outDegree[p] === 0) work.push(p);
    }
  }

  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const sccStack = new IntStack();
  const dfsNode = new IntStack();
  const dfsEdge = new IntStack();
  let next = 0;
  for (let root = 0; root < n; root++) {
    if (component[root] >= 0 || index[root] >= 0) continue;
    index[root] = low[root] = next++;
    sccStack.push(root);
    onStack[root] = 1;
    dfsNode.push(root);
    dfsEdge.push(start[root]);
    while (dfsNode.length > 0) {
      const v = dfsNode.at(dfsNode.length - 1);
      const e = dfsEdge.at(dfsEdge.length - 1);
      if (e < start[v + 1]) {
        dfsEdge.set(dfsEdge.length - 1, e + 1);
        const w = targets[e];
        if (component[w] >= 0 && index[w] < 0) continue; // peeled
        if (index[w] < 0) {
          index[w] = low[w] = next++;
          sccStack.push(w);
          onStack[w] = 1;
          dfsNode.push(w);
          dfsEdge.push(start[w]);
        } else if (onStack[w] && index[w] < low[v]) {
          low[v] = index[w];
        }
        continue;
      }
      dfsNode.pop();
      dfsEdge.pop();
      if (dfsNode.length > 0) {
        const parent = dfsNode.at(dfsNode.length - 1);
        if (low[v] < low[parent]) low[parent] = low[v];
      }
      if (low[v] === index[v]) {
        const id = sizes.length;
        let size = 0;
        let w: number;
        do {
          w = sccStack.pop();
          onStack[w] = 0;
          component[w] = id;
          size++;
        } while (w !== v);
        sizes.push(size);
        cyclic.push(size > 1 || selfLoop[v] === 1);
      }
    }
  }
  return { component, sizes, cyclic };
}
