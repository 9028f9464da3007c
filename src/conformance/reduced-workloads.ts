/**
 * The shipped workloads at reduced sizes, each with a heap small enough to
 * force collections, so every workload runs under the verifier in well
 * under a second. Used by `gcsim test-collector` and the test suite.
 */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface ReducedWorkload {
  file: string;
  params: Record<string, number>;
  /** Heap for the collector under test: small enough to force collections. */
  heapBytes: number;
}

const REDUCED: Record<string, Omit<ReducedWorkload, "file">> = {
  "gcbench.json": {
    params: { kStretchTreeDepth: 10, kLongLivedTreeDepth: 8, kArraySize: 4000, kMinTreeDepth: 4, kMaxTreeDepth: 8 },
    heapBytes: 256 << 10,
  },
  "binary-trees.json": { params: { N: 8 }, heapBytes: 128 << 10 },
  "linked-list.json": { params: { rounds: 8, grow: 4000 }, heapBytes: 512 << 10 },
  "linked-queue.json": { params: { length: 1000, steps: 10000 }, heapBytes: 128 << 10 },
  "lru-cache.json": { params: { capacity: 300, keys: 2000, accesses: 8000, buckets: 128 }, heapBytes: 192 << 10 },
  "lru-leak.json": { params: { capacity: 200, keys: 1000, accesses: 4000, buckets: 64, keepEvicted: 300 }, heapBytes: 128 << 10 },
  "request-server.json": { params: { requests: 2000, sessions: 100 }, heapBytes: 512 << 10 },
  "cyclic-garbage.json": { params: { rounds: 300 }, heapBytes: 64 << 10 },
  "fragmentation.json": { params: { window: 500, steps: 4000 }, heapBytes: 512 << 10 },
  "random-graph.json": { params: { nodes: 400, steps: 30000 }, heapBytes: 64 << 10 },
  "random-tree.json": { params: { replacements: 1000 }, heapBytes: 64 << 10 },
};

/** The folder of shipped workloads, wherever gcsim is installed. */
export const WORKLOADS_DIR = fileURLToPath(new URL("../../workloads/", import.meta.url));

/** Every shipped workload file name. */
export function shippedWorkloads(): string[] {
  return readdirSync(WORKLOADS_DIR)
    .filter((f) => f.endsWith(".json") && f !== "schema.json")
    .sort();
}

/** Every shipped workload at its reduced size; one without a reduced size runs at full size in 1 MiB. */
export function reducedWorkloads(): ReducedWorkload[] {
  return shippedWorkloads().map((file) => ({ file, ...(REDUCED[file] ?? { params: {}, heapBytes: 1 << 20 }) }));
}

/** Names of the workloads that have a reduced configuration (the test suite checks every shipped one has). */
export const REDUCED_NAMES = Object.keys(REDUCED);
