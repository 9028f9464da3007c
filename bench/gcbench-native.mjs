// GCBench written directly in JavaScript (after Boehm's Java version), run natively by V8:
// the yardstick for gcsim's speed. Same parameters as workloads/gcbench.json.
const kStretchTreeDepth = 18;
const kLongLivedTreeDepth = 16;
const kArraySize = 500000;
const kMinTreeDepth = 4;
const kMaxTreeDepth = 16;

class Node {
  constructor(left = null, right = null) {
    this.left = left;
    this.right = right;
    this.i = 0;
    this.j = 0;
  }
}

const treeSize = (i) => (1 << (i + 1)) - 1;
const numIters = (i) => Math.floor((2 * treeSize(kStretchTreeDepth)) / treeSize(i));

function populate(depth, node) {
  if (depth <= 0) return;
  depth--;
  node.left = new Node();
  node.right = new Node();
  populate(depth, node.left);
  populate(depth, node.right);
}

function makeTree(depth) {
  return depth <= 0 ? new Node() : new Node(makeTree(depth - 1), makeTree(depth - 1));
}

function timeConstruction(depth) {
  const iters = numIters(depth);
  for (let i = 0; i < iters; i++) {
    let tempTree = new Node();
    populate(depth, tempTree);
    tempTree = null;
  }
  for (let i = 0; i < iters; i++) {
    let tempTree = makeTree(depth);
    tempTree = null;
  }
}

let tempTree = makeTree(kStretchTreeDepth);
tempTree = null;
const longLivedTree = new Node();
populate(kLongLivedTreeDepth, longLivedTree);
const array = new Float64Array(kArraySize);
for (let i = 0; i < kArraySize / 2; i++) array[i] = 1.0 / i;
for (let d = kMinTreeDepth; d <= kMaxTreeDepth; d += 2) timeConstruction(d);
if (longLivedTree === null || array[1000] !== 1.0 / 1000) console.log("Failed");
