/**
 * Statistics of a captured object graph, as `gcsim inspect` prints them:
 * sizes, degree and size distributions, strongly connected components, and
 * what plain reference counting would leak if every root were dropped -
 * every cyclic component and everything reachable from one, since none of
 * those objects' counts can ever reach zero.
 */
import { objectBytes } from "../heap/object-model.js";
import type { ObjectGraph } from "./graph-file.js";
import { reachableFromCycles, stronglyConnectedComponents } from "./scc.js";

export interface GraphStatistics {
  objects: number;
  references: number;
  roots: number;
  bytes: number;
  outDegree: Record<string, number>;
  inDegree: Record<string, number>;
  objectBytes: Record<string, number>;
  scc: { components: number; cyclic: number; largest: number; cyclicSizes: Record<string, number> };
  rcLeak: { objects: number; bytes: number; objectsFraction: number; bytesFraction: number };
}

/** Power-of-two buckets: "0", "1", "2-3", "4-7", ... */
function bucket(x: number): string {
  if (x <= 1) return String(x);
  const lo = 2 ** Math.floor(Math.log2(x));
  return `${lo}-${lo * 2 - 1}`;
}

function histogram(values: ArrayLike<number>): Record<string, number> {
  const counts = new Map<string, number>();
  const order = new Map<string, number>();
  for (let i = 0; i < values.length; i++) {
    const key = bucket(values[i]);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    order.set(key, values[i] <= 1 ? values[i] : 2 ** Math.floor(Math.log2(values[i])));
  }
  return Object.fromEntries([...counts].sort((a, b) => order.get(a[0])! - order.get(b[0])!));
}

export function inspectGraph(g: ObjectGraph): GraphStatistics {
  const { n, edgeStart, edgeTarget } = g;
  const out = new Int32Array(n);
  const inn = new Int32Array(n);
  const size = new Int32Array(n);
  let bytes = 0;
  for (let v = 0; v < n; v++) {
    out[v] = edgeStart[v + 1] - edgeStart[v];
    size[v] = objectBytes(out[v], g.payloadBytes[v]);
    bytes += size[v];
    for (let e = edgeStart[v]; e < edgeStart[v + 1]; e++) inn[edgeTarget[e]]++;
  }
  const csr = { n, start: edgeStart, targets: edgeTarget };
  const components = stronglyConnectedComponents(csr);
  const { count, cyclicSizes } = components;
  // Plain RC's leak with every root dropped: cyclic components and all they reach.
  const leaked = reachableFromCycles(csr, components);
  let leakedObjects = 0;
  let leakedBytes = 0;
  for (let v = 0; v < n; v++) {
    if (leaked[v]) {
      leakedObjects++;
      leakedBytes += size[v];
    }
  }
  return {
    objects: n,
    references: edgeTarget.length,
    roots: g.roots.length,
    bytes,
    outDegree: histogram(out),
    inDegree: histogram(inn),
    objectBytes: histogram(size),
    scc: { components: count, cyclic: cyclicSizes.length, largest: cyclicSizes.reduce((a, b) => Math.max(a, b), 0), cyclicSizes: histogram(cyclicSizes) },
    rcLeak: {
      objects: leakedObjects,
      bytes: leakedBytes,
      objectsFraction: n > 0 ? leakedObjects / n : 0,
      bytesFraction: bytes > 0 ? leakedBytes / bytes : 0,
    },
  };
}
