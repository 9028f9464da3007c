/**
 * The runtime behind a script workload's mutator API (define.ts): handles,
 * handle scopes, and each operation done and charged exactly as the JSON
 * statement it stands for (compiler/statements.ts).
 *
 * What it owns:
 *  - handles: a handle is a slot of the shadow stack (Roots.stack), or a
 *    global, plus the id of the scope that made it. The collector scans the
 *    slots [0, sp) and, if it moves objects, rewrites them; every operation
 *    reads the slot again, so a handle never holds a stale address. A slot
 *    records the id of the scope that owns it now: a handle whose slot is
 *    above the stack top or owned by another scope (its own closed), or that
 *    belongs to another run, is an error naming the user's line. Scope ids
 *    are numbers, not objects, so opening a scope allocates nothing;
 *  - scopes: `scope`/`call` open one (a frame: its slots start at the stack
 *    top), closing it pops its slots (under reference counting, releaseFrame);
 *    `call` copies handle arguments into the new scope first (retainRoot),
 *    as the JSON prologue copies reference parameters; `escape` hands a value
 *    to the enclosing scope through a hidden global, the return register, in
 *    the order the JSON `return` does (a handle of the scope's own moves into
 *    the register, any other is held there; the scope is released; the
 *    caller's new handle takes the value over from the register);
 *  - charging: the JSON counters (statements, loads, stores, calls, payload
 *    accesses) that the simulated clock reads, and the --max-ops and
 *    --max-depth limits;
 *  - errors: a workload error names the user's file and line (the first stack
 *    frame outside gcsim); an exception the workload throws becomes a
 *    workload error at the line that threw it.
 *
 * The collector is called exactly where the generated JSON code calls it:
 * writeRef for stores when it has a store barrier, writeRoot / moveRoot /
 * retainRoot / releaseFrame when it has a root barrier (reference counting).
 */
import { fileURLToPath } from "node:url";
import type { Collector } from "../../collectors/collector.js";
import { GcsimError, OutOfMemoryError, WorkloadRuntimeError } from "../../errors.js";
import type { Roots } from "../../heap/heap.js";
import { MAX_PAYLOAD_BYTES, MAX_SLOTS, NSLOTS_MASK } from "../../heap/object-model.js";
import { MutatorCounter } from "../../metrics/clock.js";
import type { LiveStoreLog } from "../../metrics/peak-live.js";
import type { Rng } from "../../util/rng.js";
import type { LinkOptions } from "../compiler/link.js";
import { MAX_OUTPUT_CHARS, MAX_OUTPUT_LINES, type Mutator as RunnableMutator, type UseTracker } from "../program.js";
import type { Handle, Mutator, WorkloadDefinition } from "./define.js";

/** A script workload's declarations, checked and resolved when it was loaded (load.ts). */
export interface ScriptWorkload {
  definition: WorkloadDefinition;
  /** Declared type names in order; an allocation site is the type's index (ad-hoc objects: the count). */
  typeNames: string[];
  /** Per type (a dictionary without prototype): reference slots, payload bytes, allocation site, field name -> slot index. */
  types: Record<string, { nslots: number; bytes: number; site: number; fields: Record<string, number> }>;
  /** Field name -> slot index, one index per name across all types (as in JSON); no prototype. */
  fields: Record<string, number>;
  /** Global name -> index in the globals array; no prototype. */
  globals: Record<string, number>;
}

/** Handles a run starts with room for; the stack doubles when a scope needs more. */
export const INITIAL_STACK_SLOTS = 1024;
/** Live handles at most: a program that holds more is almost surely leaking them in a loop without a scope. */
export const MAX_HANDLES = 1 << 24;

/**
 * Scope ids, increasing in the thread across runs: a handle is valid while
 * the slot it names still belongs to the scope it was made in, which one
 * number compare tells - a handle from another run can never match, and its
 * id is below the current run's first.
 */
let lastScopeId = 0;

/** A handle: a stack slot (slot >= 0) or a global (slot = -1 - index), made in scope `scope`. */
class HandleImpl {
  constructor(
    readonly slot: number,
    readonly scope: number,
  ) {}
}

/** gcsim's own compiled and source folders: stack frames there are not the user's. */
const OWN_CODE = ["../../../dist/", "../../../src/"].map((folder) => fileURLToPath(new URL(folder, import.meta.url)));

/** The first frame of a stack trace in the user's code, as "file:line:column", or undefined. */
export function userFrame(stack: string | undefined): string | undefined {
  for (const line of stack?.split("\n") ?? []) {
    if (!/^\s+at /.test(line) || OWN_CODE.some((folder) => line.includes(folder)) || line.includes("node_modules") || line.includes("node:")) continue;
    const place = /\(([^()]+)\)\s*$/.exec(line)?.[1] ?? line.replace(/^\s+at\s+/, "");
    return place.replace(/^file:\/\//, "").replace(/\?gcsim-user-module/, "");
  }
  return undefined;
}

/**
 * The user's frame that called the mutator API, in an error thrown below it
 * (by the collector: the first frame outside gcsim could be a user's collector).
 */
function apiCaller(stack: string | undefined): string | undefined {
  const lines = stack?.split("\n") ?? [];
  const inMutator = (line: string) => /[\\/]workload[\\/]script[\\/]mutator\.[jt]s/.test(line);
  let i = lines.findIndex(inMutator);
  if (i < 0) return undefined;
  while (i < lines.length && inMutator(lines[i])) i++;
  return userFrame(lines.slice(i).join("\n"));
}

/** The mutator API (define.ts Mutator) over one run; handed to main as that interface. */
export class ScriptMutator {
  private readonly mem: Int32Array;
  private readonly types: ScriptWorkload["types"];
  private readonly fields: Record<string, number>;
  private stack: Int32Array;
  private readonly globals: Int32Array;
  private sp = 0;
  private depth = 0;
  /** The scope id owning each stack slot below sp (grown with the stack). */
  private slotScope: Float64Array;
  /** Id and first stack slot of each open scope, by depth; depth 0 is the run's own scope. */
  private readonly scopeIds: number[] = [];
  private readonly scopeBases: number[] = [];
  /** The current scope's id. */
  private scopeId: number;
  /** The depth whose scope has escaped a handle not yet handed over, or -1. */
  private escapedDepth = -1;
  /** The stack slot of the escaped handle when its own scope holds it (its reference moves to the register as the scope closes); -1 otherwise. */
  private escapedSlot = -1;
  /** The run's scope: globals' handles, valid until the run ends. */
  private readonly runId: number;
  private running = true;
  private readonly rootBarrier: boolean;
  private readonly storeBarrier: boolean;
  private readonly maxOps: number;
  private readonly maxDepth: number;
  /** Index in globals of the return register (a hidden root, as in the JSON program). */
  private readonly register: number;
  /** Set while a collector call runs: an exception then is the collector's, not the workload's. */
  private inCollector = false;

  ops = 0;
  private nLoads = 0;
  private nStores = 0;
  private nCalls = 0;
  private nPayload = 0;
  readonly output: string[] = [];
  private outputChars = 0;

  constructor(
    private readonly script: ScriptWorkload,
    private readonly params: Readonly<Record<string, number>>,
    private readonly gc: Collector,
    private readonly roots: Roots,
    private readonly rng: Rng,
    link: LinkOptions,
    /** The live-size probe's store log, told of every reference store. */
    private readonly liveStores?: LiveStoreLog,
  ) {
    this.mem = gc.heap.mem;
    // Plain objects for the lookups on every operation: V8 keeps them in fast mode, which a prototype-less
    // dictionary is not. An inherited name ("toString") then finds no `site` or no number, and fails as unknown.
    this.types = Object.fromEntries(Object.entries(script.types).map(([name, t]) => [name, { ...t, fields: { ...t.fields } }]));
    this.fields = { ...script.fields };
    this.stack = roots.stack;
    this.globals = roots.globals;
    this.register = this.globals.length - 1;
    this.rootBarrier = link.rootBarrier === true;
    this.storeBarrier = link.storeBarrier;
    this.maxOps = link.maxOps;
    this.maxDepth = link.maxDepth;
    this.slotScope = new Float64Array(this.stack.length);
    this.runId = this.scopeId = ++lastScopeId;
    this.scopeIds.push(this.runId);
    this.scopeBases.push(0);
    roots.stackTop = () => this.sp;
  }

  /** Runs the workload's main in the run's scope; returns the statements executed. */
  main(): number {
    try {
      this.script.definition.main(this as unknown as Mutator, this.params);
    } catch (e) {
      throw this.workloadError(e);
    }
    this.close();
    this.running = false;
    return this.ops;
  }

  readCounters(out: Float64Array): void {
    out[MutatorCounter.statements] = this.ops;
    out[MutatorCounter.loads] = this.nLoads;
    out[MutatorCounter.stores] = this.nStores;
    out[MutatorCounter.calls] = this.nCalls;
    out[MutatorCounter.payloadAccesses] = this.nPayload;
  }

  // ---- the API ----

  alloc(type: string, init?: Record<string, Handle | null>, to?: Handle): Handle<never> {
    this.statement();
    const t = this.types[type];
    if (t?.site === undefined) return this.fail(`unknown type "${type}" (types: ${this.script.typeNames.join(", ") || "none"})`);
    const a = this.allocate(t.nslots, t.bytes, t.site);
    if (init !== undefined) this.initFields(a, type, t.fields, init);
    return this.result(a, to) as Handle<never>;
  }

  allocRaw(slots: number, bytes: number, to?: Handle): Handle<"(raw)"> {
    this.statement();
    return this.result(this.allocateRaw(slots, bytes), to) as Handle<"(raw)">;
  }

  allocInto(obj: Handle, field: string | number, type: string | { slots: number; bytes: number }, init?: Record<string, Handle | null>): void {
    this.statement();
    let a: number;
    if (typeof type === "object" && type !== null) {
      a = this.allocateRaw(type.slots, type.bytes);
    } else {
      const t = this.types[type];
      if (t?.site === undefined) return this.fail(`unknown type "${type}" (types: ${this.script.typeNames.join(", ") || "none"})`);
      a = this.allocate(t.nslots, t.bytes, t.site);
      if (init !== undefined) this.initFields(a, type, t.fields, init);
    }
    // As in JSON, the target is dereferenced after the allocation, which may have moved it.
    const o = this.deref(obj);
    this.nStores++;
    this.storeRef(o, this.slotOf(o, field), a);
  }

  private allocateRaw(slots: number, bytes: number): number {
    if (!(Number.isInteger(slots) && slots >= 0 && slots <= MAX_SLOTS)) return this.fail(`object size ${slots} is not an integer in 0..${MAX_SLOTS}`);
    if (!(Number.isInteger(bytes) && bytes >= 0 && bytes <= MAX_PAYLOAD_BYTES)) return this.fail(`object size ${bytes} is not an integer in 0..${MAX_PAYLOAD_BYTES}`);
    return this.allocate(slots, bytes, this.script.typeNames.length);
  }

  load(obj: Handle, field: string | number, to?: Handle): Handle | null {
    this.statement();
    const o = this.deref(obj);
    const value = this.mem[(o >> 2) + 2 + 2 * this.slotOf(o, field)];
    this.nLoads++;
    if (to === undefined && value === 0) return null;
    return this.result(value, to);
  }

  store(obj: Handle, field: string | number, value: Handle | null): void {
    this.statement();
    const v = this.refValue(value);
    const o = this.deref(obj);
    this.nStores++;
    this.storeRef(o, this.slotOf(o, field), v);
  }

  set<K extends string>(to: Handle<K>, value: Handle | null): Handle<K> {
    this.statement();
    this.writeHandle(to as HandleImpl, this.refValue(value));
    return to;
  }

  local<K extends string = string>(): Handle<K> {
    return this.push(0);
  }

  isNull(h: Handle): boolean {
    return this.refValue(h) === 0;
  }

  same(a: Handle | null, b: Handle | null): boolean {
    return this.refValue(a) === this.refValue(b);
  }

  read(obj: Handle, word: number): number {
    this.statement();
    const o = this.deref(obj);
    this.nPayload++;
    return this.mem[this.wordOf(o, word)];
  }

  write(obj: Handle, word: number, value: number): void {
    this.statement();
    const o = this.deref(obj);
    const index = this.wordOf(o, word);
    if (!(Number.isInteger(value) && value >= -2147483648 && value <= 2147483647)) this.fail(`value ${value} does not fit a 32-bit payload word`);
    this.nPayload++;
    this.mem[index] = value;
  }

  global(name: string): Handle {
    const index = this.script.globals[name];
    if (index === undefined) {
      return this.fail(`unknown global "${name}" (globals: ${Object.keys(this.script.globals).join(", ") || "none"})`);
    }
    return new HandleImpl(-1 - index, this.runId) as unknown as Handle;
  }

  // Typed for users by define.ts (call(fn, ...args)); spelt out here because a rest array and a spread call allocate:
  // up to three arguments (the common case) go through without either.
  call(fn: (...args: unknown[]) => unknown, a?: unknown, b?: unknown, c?: unknown): unknown {
    const n = arguments.length - 1;
    if (n > 3) return this.callWith(fn, Array.prototype.slice.call(arguments, 1) as unknown[]);
    this.statement();
    this.nCalls++;
    this.open();
    // Reference arguments become the callee's own roots, as JSON reference parameters do.
    if (a instanceof HandleImpl) a = this.parameter(a);
    if (b instanceof HandleImpl) b = this.parameter(b);
    if (c instanceof HandleImpl) c = this.parameter(c);
    return this.leave(n === 2 ? fn(a, b) : n === 3 ? fn(a, b, c) : n === 1 ? fn(a) : fn());
  }

  private callWith(fn: (...args: unknown[]) => unknown, args: unknown[]): unknown {
    this.statement();
    this.nCalls++;
    this.open();
    for (let i = 0; i < args.length; i++) if (args[i] instanceof HandleImpl) args[i] = this.parameter(args[i] as HandleImpl);
    return this.leave(fn(...args));
  }

  /** A handle argument copied into the new scope (retained under reference counting, as the JSON prologue does). */
  private parameter(arg: HandleImpl): HandleImpl {
    const v = this.refValue(arg);
    const slot = this.pushSlot();
    this.stack[slot] = v;
    if (this.rootBarrier) {
      this.inCollector = true;
      this.gc.retainRoot(v);
      this.inCollector = false;
    }
    return new HandleImpl(slot, this.scopeId);
  }

  scope<R>(fn: () => R): R {
    this.open();
    return this.leave(fn());
  }

  escape<K extends string>(h: Handle<K>): Handle<K> {
    this.statement();
    if (this.depth === 0) return this.fail("escape outside any scope: main has no enclosing scope to return a handle to");
    if (this.escapedDepth === this.depth) return this.fail("a scope escapes one handle; this scope already escaped one");
    const v = this.refValue(h);
    this.escapedDepth = this.depth;
    // As JSON's return: a variable of the returning frame moves into the register (when the
    // scope closes, before its handles are released); any other value is held there now.
    const { slot, scope } = h as unknown as HandleImpl;
    const own = slot >= 0 && scope === this.scopeId;
    this.escapedSlot = own ? slot : -1;
    if (!own) this.writeRoot(this.globals, this.register, v);
    return h;
  }

  random(n: number): number {
    if (n >= 1 && n <= 4294967296) return this.rng.below(n);
    return this.fail(`rand(n) needs 1 <= n <= 2^32, got ${n}`);
  }

  randint(lo: number, hi: number): number {
    if (hi >= lo && hi - lo < 4294967296) return lo + this.rng.below(hi - lo + 1);
    return this.fail(`randint(lo, hi) needs lo <= hi, got ${lo}, ${hi}`);
  }

  collect(): void {
    this.statement();
    this.collector().collectGarbage("requested");
    this.inCollector = false;
  }

  print(line: string): void {
    this.statement();
    const text = String(line);
    this.outputChars += text.length + 1;
    if (this.output.length >= MAX_OUTPUT_LINES || this.outputChars > MAX_OUTPUT_CHARS) {
      this.fail(`printed more than the output limit of ${MAX_OUTPUT_LINES} lines or ${MAX_OUTPUT_CHARS} characters`);
    }
    this.output.push(text);
  }

  tick(statements = 1): void {
    if (!(Number.isInteger(statements) && statements >= 0)) this.fail(`tick(n) needs a non-negative integer, got ${statements}`);
    this.ops += statements;
    if (this.ops > this.maxOps) this.tooManyOps();
  }

  // ---- handles and scopes ----

  /** The collector, about to be called: an exception until `inCollector` is cleared is the collector's. */
  private collector(): Collector {
    this.inCollector = true;
    return this.gc;
  }

  private statement(): void {
    if (++this.ops > this.maxOps) this.tooManyOps();
  }

  private tooManyOps(): never {
    return this.fail("more than the operation limit of statements executed (raise it with --max-ops)");
  }

  private allocate(nslots: number, bytes: number, site: number): number {
    this.inCollector = true;
    const a = this.gc.alloc(nslots, bytes, site);
    this.inCollector = false;
    return a;
  }

  private initFields(a: number, type: string, fields: Record<string, number>, init: Record<string, Handle | null>): void {
    for (const field in init) {
      const slot = fields[field];
      // No inherited property is a number: this finds exactly the type's own fields.
      if (typeof slot !== "number") this.fail(`type "${type}" has no field "${field}"`);
      const v = this.refValue(init[field]);
      this.nStores++;
      this.storeRef(a, slot, v);
    }
  }

  /** A fresh value as an operation's result: written into `to`, or into a new handle of the current scope. */
  private result(value: number, to: Handle | undefined): Handle {
    if (to === undefined) return this.push(value);
    this.writeHandle(to as HandleImpl, value);
    return to;
  }

  private storeRef(obj: number, slot: number, value: number): void {
    this.liveStores?.store(obj, this.mem[(obj >> 2) + 2 + 2 * slot], value);
    if (this.storeBarrier) {
      this.inCollector = true;
      this.gc.writeRef(obj, slot, value);
      this.inCollector = false;
    } else {
      this.mem[(obj >> 2) + 2 + 2 * slot] = value;
    }
  }

  /** A root write: through the root barrier under reference counting (JSON's refVarWrite). */
  private writeRoot(array: Int32Array, index: number, value: number): void {
    if (this.rootBarrier) {
      this.inCollector = true;
      this.gc.writeRoot(array, index, value);
      this.inCollector = false;
    } else {
      array[index] = value;
    }
  }

  /** `array[index]` takes over `from[fromIndex]`'s reference, which becomes -1 (JSON's moves of returned references). */
  private moveRoot(array: Int32Array, index: number, from: Int32Array, fromIndex: number): void {
    if (this.rootBarrier) {
      this.inCollector = true;
      this.gc.moveRoot(array, index, from, fromIndex);
      this.inCollector = false;
    } else {
      array[index] = from[fromIndex];
      from[fromIndex] = -1;
    }
  }

  private writeHandle(h: HandleImpl, value: number): void {
    this.check(h);
    if (h.slot >= 0) this.writeRoot(this.stack, h.slot, value);
    else this.writeRoot(this.globals, -1 - h.slot, value);
  }

  /** The next stack slot, owned by the current scope. */
  private pushSlot(): number {
    if (this.sp === this.stack.length) {
      if (this.sp >= MAX_HANDLES) this.fail(`more than ${MAX_HANDLES} live handles: open a scope (m.scope) inside the loop that makes them`);
      this.stack = this.roots.growStack(this.sp + 1);
      const owners = new Float64Array(this.stack.length);
      owners.set(this.slotScope);
      this.slotScope = owners;
    }
    this.slotScope[this.sp] = this.scopeId;
    return this.sp++;
  }

  private push(value: number): Handle<never> {
    const slot = this.pushSlot();
    if (this.rootBarrier) {
      this.stack[slot] = -1; // a fresh slot: nothing to release
      this.writeRoot(this.stack, slot, value);
    } else {
      this.stack[slot] = value;
    }
    return new HandleImpl(slot, this.scopeId) as unknown as Handle<never>;
  }

  private open(): void {
    if (this.escapedDepth === this.depth) this.fail("escape(...) must be the last thing a scope does; this scope opens another after escaping");
    if (++this.depth > this.maxDepth) this.fail("recursion deeper than the limit (raise it with --max-depth)");
    this.scopeId = ++lastScopeId;
    this.scopeIds.push(this.scopeId);
    this.scopeBases.push(this.sp);
  }

  /** Closes the current scope with what its function returned; an escaped handle comes back as a handle of the enclosing scope. */
  private leave<R>(returned: R): R {
    const escaped = this.escapedDepth === this.depth;
    if (!escaped && returned instanceof HandleImpl && returned.scope === this.scopeId) {
      this.fail("a scope returns one of its own handles, which die with it; return m.escape(handle) instead");
    }
    if (escaped && this.escapedSlot >= 0) this.moveRoot(this.globals, this.register, this.stack, this.escapedSlot);
    this.close();
    this.depth--;
    if (!escaped) return returned;
    this.escapedDepth = -1;
    // The JSON return sequence: the register holds the value while the frame is released, then the caller's variable takes it over.
    const slot = this.pushSlot();
    this.stack[slot] = -1; // a fresh slot: nothing to release
    this.moveRoot(this.stack, slot, this.globals, this.register);
    return new HandleImpl(slot, this.scopeId) as R;
  }

  /** Pops the current scope's handles (under reference counting, releasing them) and makes the enclosing scope current. */
  private close(): void {
    const base = this.scopeBases.pop()!;
    this.scopeIds.pop();
    if (this.rootBarrier) {
      this.inCollector = true;
      this.gc.releaseFrame(this.stack, base, this.sp);
      this.inCollector = false;
    }
    this.sp = base;
    this.scopeId = this.scopeIds.length > 0 ? this.scopeIds[this.scopeIds.length - 1] : 0;
  }

  // ---- checks ----

  private check(h: unknown): asserts h is HandleImpl {
    // A stack handle is valid while its slot is below the stack top and still its scope's; a global's, while its run runs.
    if (h instanceof HandleImpl && (h.slot >= 0 ? h.slot < this.sp && this.slotScope[h.slot] === h.scope : h.scope === this.runId && this.running)) return;
    this.badHandle(h);
  }

  /** The address a handle (or null) holds. */
  private refValue(h: unknown): number {
    if (h === null) return 0;
    this.check(h);
    return h.slot >= 0 ? this.stack[h.slot] : this.globals[-1 - h.slot];
  }

  /** The object a handle names, for an operation through it (load, store, read, write): every use passes here. */
  protected deref(h: Handle): number {
    const v = this.refValue(h);
    if (v > 0) return v;
    return this.fail(v === 0 ? "null dereference" : "use of a global that was never set");
  }

  private slotOf(obj: number, field: string | number): number {
    const slot = typeof field === "string" ? this.fields[field] : field;
    if (slot >= 0 && slot < (this.mem[obj >> 2] & NSLOTS_MASK) && (slot | 0) === slot) return slot;
    return this.badSlot(obj, field);
  }

  private badSlot(obj: number, field: string | number): never {
    if (typeof field === "string" && !Object.hasOwn(this.fields, field)) {
      return this.fail(`unknown field "${field}" (fields: ${Object.keys(this.fields).join(", ") || "none"})`);
    }
    const slot = typeof field === "string" ? this.fields[field] : field;
    return this.fail(`field index ${slot} out of range (object at ${obj} has ${this.mem[obj >> 2] & NSLOTS_MASK} reference slots)`);
  }

  private wordOf(obj: number, k: number): number {
    const w = obj >> 2;
    if (Number.isInteger(k) && k >= 0 && 4 * k + 4 <= this.mem[w + 1]) return w + 2 + 2 * (this.mem[w] & NSLOTS_MASK) + k;
    return this.fail(`payload word ${k} out of range for object at ${obj}`);
  }

  private badHandle(h: unknown): never {
    if (h instanceof HandleImpl) {
      if (h.scope < this.runId) return this.fail("a handle from another run (handles live only as long as the run, and the scope, that made them)");
      return this.fail("a handle used after its scope closed (escape it with m.escape to return it from a scope)");
    }
    return this.fail(`expected a handle, got ${h === undefined ? "undefined" : typeof h === "object" ? "an object that is not a handle" : typeof h}`);
  }

  /** A workload error at the user's line that made the operation. */
  private fail(reason: string): never {
    throw new WorkloadRuntimeError(reason, userFrame(new Error().stack) ?? "the workload");
  }

  /** What an exception out of main becomes: gcsim's own errors and the collector's pass through. */
  private workloadError(e: unknown): unknown {
    if (e instanceof OutOfMemoryError) {
      // The collector names the allocation site (`alloc("Node")`); the user's line that allocated says where.
      const at = apiCaller(e.stack);
      return at ? new OutOfMemoryError(`${e.path} at ${at}`, e.requestedBytes, e.heapBytes, e.liveBytes) : e;
    }
    if (e instanceof GcsimError || this.inCollector) return e;
    if (e instanceof RangeError && /call stack/.test(e.message)) return e;
    const error = e instanceof Error ? e : new Error(String(e));
    return new WorkloadRuntimeError(`the workload threw ${error.name}: ${error.message}`, userFrame(error.stack) ?? "the workload");
  }
}

/** The mutator of a run that tracks uses (drag): every operation through an object reports it. Chosen once, so other runs pay nothing. */
class UseTrackingScriptMutator extends ScriptMutator {
  constructor(
    script: ScriptWorkload,
    params: Readonly<Record<string, number>>,
    gc: Collector,
    roots: Roots,
    rng: Rng,
    link: LinkOptions,
    private readonly uses: UseTracker,
    liveStores?: LiveStoreLog,
  ) {
    super(script, params, gc, roots, rng, link, liveStores);
  }

  protected override deref(h: Handle): number {
    const o = super.deref(h);
    this.uses.use(o);
    return o;
  }
}

/** A script workload bound to one run: what the run instantiates against its collector. */
export function instantiateScript(
  script: ScriptWorkload,
  params: Readonly<Record<string, number>>,
  gc: Collector,
  roots: Roots,
  rng: Rng,
  link: LinkOptions,
  uses?: UseTracker,
  liveStores?: LiveStoreLog,
): RunnableMutator {
  const m =
    link.trackUses && uses
      ? new UseTrackingScriptMutator(script, params, gc, roots, rng, link, uses, liveStores)
      : new ScriptMutator(script, params, gc, roots, rng, link, liveStores);
  return { main: () => m.main(), output: m.output, readCounters: (out) => m.readCounters(out) };
}
