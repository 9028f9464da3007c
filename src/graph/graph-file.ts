/**
 * The compact graph form of the workload language: a sidecar binary file of
 * typed arrays that a workload's `"graph"` section names, so a captured heap
 * of millions of objects is not millions of JSON statements.
 *
 * Layout (little-endian int32 words):
 *   header   magic "GCSG", version 2, node count n, edge count e,
 *            root count r, checksum (FNV-1a of every word after the header)
 *   body     slots[n] (reference slots per node, its out-degree),
 *            payloadBytes[n], edgeStart[n + 1], edgeTarget[e] (node indices;
 *            node v's edges are edgeTarget[edgeStart[v] .. edgeStart[v+1])),
 *            roots[r] (node indices)
 *
 * The reader is the input boundary for this file kind: it checks the header
 * against the file's length and the limits below before reading the body,
 * then the checksum and every field, before a single object is built. Every
 * problem is an input error naming the file and the byte offset.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { InputError } from "../errors.js";
import { MAX_HEAP_BYTES } from "../heap/heap.js";
import { HEADER_BYTES, MAX_PAYLOAD_BYTES, MAX_SLOTS, objectBytes, SLOT_BYTES } from "../heap/object-model.js";
import { describeFsError, writeAtomically, type OutputFs } from "../util/output.js";

const MAGIC = 0x47534347; // "GCSG" read as a little-endian int32
const VERSION = 2;
const HEADER_WORDS = 6;

/**
 * Limits of a graph, from what the object header and the address space can
 * represent: `build` puts every node in one table object and the roots in
 * another, whose slot counts are header fields of 24 bits; objects are
 * addressed below 2^31, so the whole graph must fit in 2 GiB.
 */
export const GRAPH_LIMITS = {
  /** Most nodes (the build table's slot count). */
  nodes: MAX_SLOTS,
  /** Most roots (the roots object's slot count). */
  roots: MAX_SLOTS,
  /** Most reference slots of one node. */
  slots: MAX_SLOTS,
  /** Most payload bytes of one node. */
  payloadBytes: MAX_PAYLOAD_BYTES,
  /** Most edges: every edge is an 8-byte slot inside the 2 GiB address space. */
  edges: Math.floor(2 ** 31 / SLOT_BYTES),
  /** Most bytes the built graph may occupy: the largest simulated heap. */
  bytes: MAX_HEAP_BYTES,
} as const;

export interface ObjectGraph {
  n: number;
  payloadBytes: Int32Array;
  edgeStart: Int32Array;
  edgeTarget: Int32Array;
  roots: Int32Array;
}

/** Bytes the built graph occupies in the simulated heap, with the table used while building it. */
export function graphBytes(g: ObjectGraph): number {
  let bytes = HEADER_BYTES + SLOT_BYTES * g.n + HEADER_BYTES + SLOT_BYTES * g.roots.length;
  for (let v = 0; v < g.n; v++) bytes += objectBytes(g.edgeStart[v + 1] - g.edgeStart[v], g.payloadBytes[v]);
  return bytes;
}

/** FNV-1a over 32-bit words. */
function checksum(words: Int32Array, from: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = from; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193);
  return h;
}

/** The file's words: a header and the body; written atomically (the previous sidecar survives a failed write). */
export function encodeGraph(g: ObjectGraph): Int32Array {
  const e = g.edgeTarget.length;
  const words = HEADER_WORDS + g.n + g.n + (g.n + 1) + e + g.roots.length;
  const out = new Int32Array(words);
  let at = HEADER_WORDS;
  for (let v = 0; v < g.n; v++) out[at + v] = g.edgeStart[v + 1] - g.edgeStart[v];
  at += g.n;
  out.set(g.payloadBytes, at);
  at += g.n;
  out.set(g.edgeStart, at);
  at += g.n + 1;
  out.set(g.edgeTarget, at);
  at += e;
  out.set(g.roots, at);
  out.set([MAGIC, VERSION, g.n, e, g.roots.length, checksum(out, HEADER_WORDS)], 0);
  return out;
}

/** Writes the sidecar atomically: a failed write (a full disk) leaves the previous file intact. `fs` is for tests. */
export function writeGraphFile(file: string, g: ObjectGraph, fs?: OutputFs): void {
  const words = encodeGraph(g);
  writeAtomically(file, new Uint8Array(words.buffer, words.byteOffset, words.byteLength), fs);
}

/** Reads and validates a graph file; every problem is an input error naming the file (and the byte offset). */
export function readGraphFile(file: string): ObjectGraph {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    throw new InputError(`cannot read graph file ${file}: ${describeFsError(e)}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new InputError(`graph file ${file} is not a regular file`);
    return decodeGraph(file, stat.size, (buffer, position) => readSync(fd, buffer, 0, buffer.length, position));
  } finally {
    closeSync(fd);
  }
}

/**
 * Validates a graph of `size` bytes read by `read(buffer, position)`: the
 * header first (magic, version, counts against the limits and the size),
 * then the body (checksum, then every field).
 */
export function decodeGraph(file: string, size: number, read: (buffer: Uint8Array, position: number) => number): ObjectGraph {
  const fail = (why: string, word?: number): never => {
    throw new InputError(`graph file ${file} is not a valid gcsim graph: ${why}${word === undefined ? "" : ` (at byte ${4 * word})`}`);
  };
  const readExactly = (bytes: number, position: number): Int32Array => {
    const buffer = new Uint8Array(bytes);
    let got = 0;
    while (got < bytes) {
      const n = read(buffer.subarray(got), position + got);
      if (n <= 0) fail(`the file ended at byte ${position + got}, expected ${position + bytes}`);
      got += n;
    }
    return new Int32Array(buffer.buffer, 0, bytes / 4);
  };
  if (size < 4 * HEADER_WORDS) fail(`${size} bytes is shorter than the ${4 * HEADER_WORDS}-byte header`);
  const header = readExactly(4 * HEADER_WORDS, 0);
  const [magic, version, n, e, r, sum] = header;
  if (magic !== MAGIC) fail("bad magic number (not a .graph.bin file)", 0);
  if (version !== VERSION) fail(`version ${version}, this gcsim reads version ${VERSION} (re-import the heap snapshot)`, 4);
  const count = (value: number, name: string, limit: number, word: number) => {
    if (value < 0 || value > limit) fail(`${name} count ${value} outside 0..${limit}`, word);
  };
  count(n, "node", GRAPH_LIMITS.nodes, 2);
  count(e, "edge", GRAPH_LIMITS.edges, 3);
  count(r, "root", GRAPH_LIMITS.roots, 4);
  const bodyWords = n + n + (n + 1) + e + r;
  if (size !== 4 * (HEADER_WORDS + bodyWords)) {
    fail(`the header's counts (${n} nodes, ${e} edges, ${r} roots) need ${4 * (HEADER_WORDS + bodyWords)} bytes, the file has ${size}`);
  }
  const words = new Int32Array(HEADER_WORDS + bodyWords);
  words.set(header, 0);
  words.set(readExactly(4 * bodyWords, 4 * HEADER_WORDS), HEADER_WORDS);
  if (checksum(words, HEADER_WORDS) !== sum) fail("checksum mismatch (the file is damaged)", 5);
  let at = HEADER_WORDS;
  const slotsAt = at;
  const slots = words.subarray(at, (at += n));
  const payloadAt = at;
  const payloadBytes = words.subarray(at, (at += n));
  const edgeStartAt = at;
  const edgeStart = words.subarray(at, (at += n + 1));
  const edgeTargetAt = at;
  const edgeTarget = words.subarray(at, (at += e));
  const rootsAt = at;
  const roots = words.subarray(at, (at += r));
  if (edgeStart[0] !== 0) fail("edge offsets do not start at 0", edgeStartAt);
  let bytes = HEADER_BYTES + SLOT_BYTES * n + HEADER_BYTES + SLOT_BYTES * r;
  for (let v = 0; v < n; v++) {
    if (slots[v] < 0 || slots[v] > GRAPH_LIMITS.slots) fail(`node ${v}: slot count ${slots[v]} outside 0..${GRAPH_LIMITS.slots}`, slotsAt + v);
    if (edgeStart[v + 1] - edgeStart[v] !== slots[v]) fail(`node ${v}: slot count differs from its edges`, edgeStartAt + v + 1);
    if (payloadBytes[v] < 0 || payloadBytes[v] > GRAPH_LIMITS.payloadBytes) {
      fail(`node ${v}: payload size ${payloadBytes[v]} outside 0..${GRAPH_LIMITS.payloadBytes}`, payloadAt + v);
    }
    bytes += objectBytes(slots[v], payloadBytes[v]);
  }
  if (edgeStart[n] !== e) fail("edge offsets do not cover the edges", edgeStartAt + n);
  if (bytes > GRAPH_LIMITS.bytes) fail(`the graph needs ${bytes} bytes of heap, more than the largest heap (${GRAPH_LIMITS.bytes} bytes)`);
  for (let i = 0; i < e; i++) if (edgeTarget[i] < 0 || edgeTarget[i] >= n) fail(`edge ${i} points outside the ${n} nodes`, edgeTargetAt + i);
  for (let i = 0; i < r; i++) if (roots[i] < 0 || roots[i] >= n) fail(`root ${i} points outside the ${n} nodes`, rootsAt + i);
  return { n, payloadBytes, edgeStart, edgeTarget, roots };
}
