/**
 * Strongly connected components of a graph in compressed sparse rows, in
 * typed arrays and without recursion (Tarjan 1972, iteratively), for graphs
 * of millions of nodes. Nodes that cannot lie on a cycle because no
 * predecessor is left are peeled off first, which leaves Tarjan nothing to
 * do on acyclic graphs. Used for leaked cycles and for heap-snapshot
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
  /** Number of components. */
  count: number;
  /** 1 for each cyclic component: more than one node, or one node with an edge to itself. */
  cyclic: Uint8Array;
  /** Sizes of the cyclic components only (most components are single acyclic nodes). */
  cyclicSizes: number[];
}

export function stronglyConnectedComponents({ n, start, targets }: Csr): Components {
  const component = new Int32Array(n).fill(-1);
  const cyclic = new Uint8Array(n);
  const cyclicSizes: number[] = [];
  let count = 0;
  const selfLoop = new Uint8Array(n);
  const inDegree = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    for (let e = start[v]; e < start[v + 1]; e++) {
      const t = targets[e];
      if (t === v) selfLoop[v] = 1;
      else inDegree[t]++;
    }
  }
  // Peel nodes with no predecessor left: they cannot be on a cycle. On acyclic
  // garbage (trees, lists) this finishes the job without Tarjan.
  const work = new IntStack();
  for (let v = 0; v < n; v++) if (inDegree[v] === 0) work.push(v);
  let remaining = n;
  while (work.length > 0) {
    const v = work.pop();
    component[v] = count;
    if (selfLoop[v]) {
      cyclic[count] = 1;
      cyclicSizes.push(1);
    }
    count++;
    remaining--;
    for (let e = start[v]; e < start[v + 1]; e++) {
      const t = targets[e];
      if (t !== v && --inDegree[t] === 0) work.push(t);
    }
  }
  if (remaining === 0) return { component, count, cyclic, cyclicSizes };

  const index = new Int32Array(n).fill(-1);
  const low = inDegree; // no longer needed for peeling: reuse its memory
  const onStack = new Uint8Array(n);
  const sccStack = new IntStack();
  const dfsNode = new IntStack();
  const dfsEdge = new IntStack();
  let next = 0;
  for (let root = 0; root < n; root++) {
    if (component[root] >= 0) continue;
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
        if (component[w] >= 0) continue; // peeled, or in a finished component
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
        let size = 0;
        let w: number;
        do {
          w = sccStack.pop();
          onStack[w] = 0;
          component[w] = count;
          size++;
        } while (w !== v);
        if (size > 1 || selfLoop[v]) {
          cyclic[count] = 1;
          cyclicSizes.push(size);
        }
        count++;
      }
    }
  }
  return { component, count, cyclic, cyclicSizes };
}

/**
 * Marks every node that lies on a cyclic component or is reachable from one:
 * what plain reference counting can never free once it is garbage.
 */
export function reachableFromCycles({ n, start, targets }: Csr, { component, cyclic }: Components): Uint8Array {
  const marked = new Uint8Array(n);
  const work = new IntStack();
  for (let v = 0; v < n; v++) {
    if (cyclic[component[v]]) {
      marked[v] = 1;
      work.push(v);
    }
  }
  while (work.length > 0) {
    const v = work.pop();
    for (let e = start[v]; e < start[v + 1]; e++) {
      const t = targets[e];
      if (!marked[t]) {
        marked[t] = 1;
        work.push(t);
      }
    }
  }
  return marked;
}
