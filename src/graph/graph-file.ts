/**
 * The compact graph form of the workload language: a sidecar binary file of
 * typed arrays that a workload's `"graph"` section names, so a captured heap
 * of millions of objects is not millions of JSON statements.
 *
 * Layout (little-endian int32): magic "GCSG", version 1, node count n,
 * edge count e, root count r; then slots[n] (reference slots per node, its
 * out-degree), payloadBytes[n], edgeStart[n + 1], edgeTarget[e] (node
 * indices; node v's edges are edgeTarget[edgeStart[v] .. edgeStart[v+1])),
 * roots[r] (node indices).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { InputError } from "../errors.js";
import { MAX_PAYLOAD_BYTES } from "../heap/object-model.js";

const MAGIC = 0x47534347; // "GCSG" read as a little-endian int32
const VERSION = 1;

export interface ObjectGraph {
  n: number;
  payloadBytes: Int32Array;
  edgeStart: Int32Array;
  edgeTarget: Int32Array;
  roots: Int32Array;
}

export function writeGraphFile(file: string, g: ObjectGraph): void {
  const e = g.edgeTarget.length;
  const words = 5 + g.n + g.n + (g.n + 1) + e + g.roots.length;
  const out = new Int32Array(words);
  let at = 0;
  out.set([MAGIC, VERSION, g.n, e, g.roots.length], at);
  at += 5;
  for (let v = 0; v < g.n; v++) out[at + v] = g.edgeStart[v + 1] - g.edgeStart[v];
  at += g.n;
  out.set(g.payloadBytes, at);
  at += g.n;
  out.set(g.edgeStart, at);
  at += g.n + 1;
  out.set(g.edgeTarget, at);
  at += e;
  out.set(g.roots, at);
  writeFileSync(file, new Uint8Array(out.buffer));
}

/** Reads and validates a graph file; every problem is an input error naming the file. */
export function readGraphFile(file: string): ObjectGraph {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new InputError(`cannot read graph file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const fail = (why: string): never => {
    throw new InputError(`graph file ${file} is not a valid gcsim graph: ${why}`);
  };
  if (bytes.length < 20 || bytes.length % 4 !== 0) fail("too short or not a whole number of words");
  const words = new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const [magic, version, n, e, r] = words;
  if (magic !== MAGIC || version !== VERSION) fail("bad magic number or version");
  if (n < 0 || e < 0 || r < 0 || words.length !== 5 + n + n + n + 1 + e + r) fail("counts do not match the file length");
  let at = 5;
  const slots = words.subarray(at, (at += n));
  const payloadBytes = words.subarray(at, (at += n));
  const edgeStart = words.subarray(at, (at += n + 1));
  const edgeTarget = words.subarray(at, (at += e));
  const roots = words.subarray(at, (at += r));
  if (edgeStart[0] !== 0 || edgeStart[n] !== e) fail("edge offsets do not cover the edges");
  for (let v = 0; v < n; v++) {
    if (edgeStart[v + 1] - edgeStart[v] !== slots[v]) fail(`node ${v}: slot count differs from its edges`);
    if (payloadBytes[v] < 0 || payloadBytes[v] > MAX_PAYLOAD_BYTES) fail(`node ${v}: bad payload size ${payloadBytes[v]}`);
  }
  for (let i = 0; i < e; i++) if (edgeTarget[i] < 0 || edgeTarget[i] >= n) fail(`edge ${i} points outside the ${n} nodes`);
  for (let i = 0; i < r; i++) if (roots[i] < 0 || roots[i] >= n) fail(`root ${i} points outside the ${n} nodes`);
  return { n, payloadBytes, edgeStart, edgeTarget, roots };
}
