/**
 * Reading V8 heap snapshots (.heapsnapshot, as written by
 * v8.writeHeapSnapshot(), node --heapsnapshot-signal and Chrome DevTools)
 * into an ObjectGraph.
 *
 * The file is one JSON object: `snapshot.meta` describes the flat `nodes` and
 * `edges` integer arrays (node_fields, edge_fields, node_types, edge_types);
 * node 0 is the synthetic root; an edge's `to_node` is an offset into
 * `nodes`; each node's edges follow each other in `edges`, edge_count per node.
 *
 * Bounded memory: the file is read in 1 MiB chunks and only `meta` is parsed
 * as JSON (it is small). The `nodes` and `edges` arrays are scanned number by
 * number straight into typed arrays holding only the fields needed (a node's
 * type, self_size and edge_count; an edge's type and to_node), and every
 * other section - notably the strings table - is skipped without being kept.
 * Memory is therefore about 5 ints per node and 2 per edge, not the text.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { InputError } from "../errors.js";
import { IntStack } from "../heap/int-stack.js";
import { GRAPH_LIMITS, type ObjectGraph } from "./graph-file.js";

/** Largest integer in the nodes and edges arrays (V8 node ids can pass 2^31); the fields gcsim keeps are checked against GRAPH_LIMITS. */
const MAX_FIELD = Number.MAX_SAFE_INTEGER;
/** V8 writes `snapshot.meta` first, and it is small: where to look for it, and its largest size. */
const MAX_META_OFFSET = 1 << 16;
const MAX_META_BYTES = 1 << 20;

export const ALL_EDGE_KINDS = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"] as const;
/** Weak and shortcut edges do not keep objects alive in V8; everything else does. */
export const DEFAULT_EDGE_KINDS = ["property", "element", "context", "internal", "hidden"];

interface Meta {
  node_fields: string[];
  node_types: unknown[];
  edge_fields: string[];
  edge_types: unknown[];
}

/** A forward-only reader over the file's bytes. */
class Scanner {
  private readonly fd: number;
  private buffer = Buffer.alloc(1 << 20);
  private length = 0;
  private pos = 0;
  offset = 0;

  constructor(private readonly file: string) {
    try {
      this.fd = openSync(file, "r");
    } catch (e) {
      throw new InputError(`cannot read heap snapshot ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  /** The next byte, or -1 at the end of the file. */
  next(): number {
    if (this.pos === this.length) {
      this.length = readSync(this.fd, this.buffer, 0, this.buffer.length, null);
      this.pos = 0;
      if (this.length === 0) return -1;
    }
    this.offset++;
    return this.buffer[this.pos++];
  }

  fail(why: string): never {
    throw new InputError(`${this.file} is not a valid heap snapshot: ${why} (at byte ${this.offset})`);
  }

  /** Skips to just after the next occurrence of `"key"` followed by a colon, looking at most `within` bytes ahead. */
  seekKey(key: string, within = Infinity): void {
    const target = Buffer.from(`"${key}"`);
    const limit = this.offset + within;
    let matched = 0;
    for (;;) {
      const c = this.next();
      if (c < 0) this.fail(`no "${key}" section (the file may be truncated)`);
      if (this.offset > limit) this.fail(`no "${key}" section in the first ${within} bytes`);
      matched = c === target[matched] ? matched + 1 : c === target[0] ? 1 : 0;
      if (matched === target.length) break;
    }
    this.skipSpace(":".charCodeAt(0));
  }

  /** Skips whitespace, then requires the byte `expected`. */
  skipSpace(expected: number): void {
    for (;;) {
      const c = this.next();
      if (c === 32 || c === 10 || c === 13 || c === 9) continue;
      if (c !== expected) this.fail(`expected "${String.fromCharCode(expected)}"`);
      return;
    }
  }

  /** Reads one balanced JSON object (the cursor is just after its opening brace) and parses it. */
  readObject(): unknown {
    const bytes: number[] = [123];
    let depth = 1;
    let inString = false;
    while (depth > 0) {
      const c = this.next();
      if (c < 0) this.fail("unexpected end inside snapshot.meta");
      if (bytes.length > MAX_META_BYTES) this.fail(`snapshot.meta is longer than ${MAX_META_BYTES} bytes`);
      bytes.push(c);
      if (inString) {
        if (c === 92) bytes.push(this.next());
        else if (c === 34) inString = false;
      } else if (c === 34) inString = true;
      else if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) depth--;
    }
    try {
      return JSON.parse(Buffer.from(bytes).toString("utf8"));
    } catch {
      return this.fail("snapshot.meta is not valid JSON");
    }
  }

  /** Reads a JSON array of non-negative integers (cursor just after "["), calling `take` for each. */
  readIntegers(take: (value: number) => void): void {
    let value = -1;
    for (;;) {
      const c = this.next();
      if (c >= 48 && c <= 57) {
        value = (value < 0 ? 0 : value * 10) + (c - 48);
        if (value > MAX_FIELD) this.fail(`integer larger than ${MAX_FIELD} in an array`);
      }
      else if (c === 44 || c === 93) {
        if (value >= 0) take(value);
        else if (c === 44) this.fail("empty element in an integer array");
        value = -1;
        if (c === 93) return;
      } else if (c === 32 || c === 10 || c === 13 || c === 9) {
        continue;
      } else if (c < 0) {
        this.fail("unexpected end of the file inside an array (truncated?)");
      } else {
        this.fail(`unexpected character "${String.fromCharCode(c)}" in an integer array`);
      }
    }
  }
}

export interface SnapshotGraph extends ObjectGraph {
  /** Edges dropped because their kind was not kept. */
  droppedEdges: number;
  /** self_size of every node, as captured. */
  selfSize: Int32Array;
}

export function readHeapSnapshot(file: string, keptKinds: readonly string[] = DEFAULT_EDGE_KINDS): SnapshotGraph {
  const scan = new Scanner(file);
  try {
    scan.seekKey("meta", MAX_META_OFFSET);
    scan.skipSpace(123);
    const meta = scan.readObject() as Meta;
    const nodeFields = meta.node_fields;
    const edgeFields = meta.edge_fields;
    if (!Array.isArray(nodeFields) || !Array.isArray(edgeFields) || !Array.isArray(meta.edge_types)) {
      scan.fail("snapshot.meta lacks node_fields, edge_fields or edge_types");
    }
    const nf = nodeFields.length;
    const ef = edgeFields.length;
    const need = (fields: string[], name: string, where: string) => {
      const i = fields.indexOf(name);
      if (i < 0) scan.fail(`snapshot.meta.${where} has no "${name}" (fields: ${fields.join(", ")})`);
      return i;
    };
    const selfSizeField = need(nodeFields, "self_size", "node_fields");
    const edgeCountField = need(nodeFields, "edge_count", "node_fields");
    const edgeTypeField = need(edgeFields, "type", "edge_fields");
    const toNodeField = need(edgeFields, "to_node", "edge_fields");
    const edgeTypeNames = meta.edge_types[edgeTypeField];
    if (!Array.isArray(edgeTypeNames)) scan.fail("snapshot.meta.edge_types does not list the edge type names");
    for (const kind of keptKinds) {
      if (!(edgeTypeNames as string[]).includes(kind)) {
        throw new InputError(`edge kind "${kind}" is not in this snapshot (kinds: ${(edgeTypeNames as string[]).join(", ")})`);
      }
    }
    const kept = (edgeTypeNames as string[]).map((name) => keptKinds.includes(name));

    const selfSizes = new IntStack(1 << 16);
    const edgeCounts = new IntStack(1 << 16);
    scan.seekKey("nodes");
    scan.skipSpace(91);
    let field = 0;
    scan.readIntegers((value) => {
      if (field === selfSizeField) {
        // Node 0, the synthetic root, is not an object; every other node becomes one.
        if (selfSizes.length > GRAPH_LIMITS.nodes) scan.fail(`more than ${GRAPH_LIMITS.nodes} objects, the most a graph can hold`);
        if (value > GRAPH_LIMITS.payloadBytes) {
          scan.fail(`node ${selfSizes.length}: self_size ${value} is larger than the largest object (${GRAPH_LIMITS.payloadBytes} bytes)`);
        }
        selfSizes.push(value);
      } else if (field === edgeCountField) {
        if (value > GRAPH_LIMITS.slots) scan.fail(`node ${edgeCounts.length}: edge_count ${value} is more than an object's ${GRAPH_LIMITS.slots} slots`);
        edgeCounts.push(value);
      }
      field = field + 1 === nf ? 0 : field + 1;
    });
    if (field !== 0) scan.fail(`the nodes array is not a whole number of ${nf}-field nodes`);
    const nodeCount = selfSizes.length;
    if (nodeCount === 0) scan.fail("no nodes");

    const edgeKinds = new IntStack(1 << 16);
    const edgeTargets = new IntStack(1 << 16);
    scan.seekKey("edges");
    scan.skipSpace(91);
    field = 0;
    let edgeIndex = 0;
    scan.readIntegers((value) => {
      if (field === 0 && edgeIndex >= GRAPH_LIMITS.edges) scan.fail(`more than ${GRAPH_LIMITS.edges} edges, the most a graph can hold`);
      if (field === edgeTypeField) edgeKinds.push(value);
      else if (field === toNodeField) {
        if (value % nf !== 0 || value / nf >= nodeCount) {
          scan.fail(`edge ${edgeIndex} points outside the node array (to_node ${value}, ${nodeCount} nodes of ${nf} fields)`);
        }
        edgeTargets.push(value / nf);
      }
      if (++field === ef) {
        field = 0;
        edgeIndex++;
      }
    });
    if (field !== 0) scan.fail(`the edges array is not a whole number of ${ef}-field edges`);
    let declaredEdges = 0;
    for (let v = 0; v < nodeCount; v++) declaredEdges += edgeCounts.at(v);
    if (declaredEdges !== edgeIndex) scan.fail(`the nodes declare ${declaredEdges} edges but the edges array holds ${edgeIndex}`);
    return toGraph(nodeCount, selfSizes, edgeCounts, edgeKinds, edgeTargets, kept);
  } finally {
    scan.close();
  }
}

/**
 * Node 0 (the synthetic root) becomes the roots: the targets of its kept
 * edges. Every other node becomes an object whose slots are its kept edges.
 * Object numbers are node numbers minus one.
 */
function toGraph(
  nodeCount: number,
  selfSizes: IntStack,
  edgeCounts: IntStack,
  edgeKinds: IntStack,
  edgeTargets: IntStack,
  kept: boolean[],
): SnapshotGraph {
  const n = nodeCount - 1;
  const edgeStart = new Int32Array(n + 1);
  const targets = new IntStack(Math.max(16, edgeTargets.length));
  const roots = new IntStack();
  const selfSize = new Int32Array(n);
  let e = 0;
  let dropped = 0;
  for (let node = 0; node < nodeCount; node++) {
    if (node > 0) {
      edgeStart[node - 1] = targets.length;
      selfSize[node - 1] = selfSizes.at(node);
    }
    for (let k = 0, count = edgeCounts.at(node); k < count; k++, e++) {
      const target = edgeTargets.at(e);
      if (!kept[edgeKinds.at(e)] || target === 0) {
        dropped++;
        continue;
      }
      if (node === 0) roots.push(target - 1);
      else targets.push(target - 1);
    }
  }
  edgeStart[n] = targets.length;
  const edgeTarget = new Int32Array(targets.length);
  for (let i = 0; i < edgeTarget.length; i++) edgeTarget[i] = targets.at(i);
  const rootArray = new Int32Array(roots.length);
  for (let i = 0; i < rootArray.length; i++) rootArray[i] = roots.at(i);
  // An object is a header, its slots and a payload making up the captured self_size;
  // the payload is at least one word, which holds the object's node number.
  const payloadBytes = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    const slots = edgeStart[v + 1] - edgeStart[v];
    payloadBytes[v] = Math.max(8, selfSize[v] - 8 - 8 * slots);
  }
  return { n, payloadBytes, edgeStart, edgeTarget, roots: rootArray, droppedEdges: dropped, selfSize };
}
