/**
 * Workloads written in TypeScript (or JavaScript): the shape a workload file
 * default-exports (`defineWorkload({...})`) and the mutator API its `main`
 * is handed. Only types and the identity function `defineWorkload` live
 * here; the runtime behind the API is mutator.ts.
 *
 * The types carry the declaration into the editor: type names, field names
 * (per type), parameter names and global names are completed and checked.
 *
 * The model is the JSON language's, with the host language's control flow:
 * every mutator operation is one JSON statement (same counters, same
 * barriers, same errors); references the program holds are handles, slots
 * of the shadow stack that the collector scans and updates, owned by the
 * handle scope that was open when they were made (V8's HandleScope).
 */

/** A declared workload parameter: an integer, overridable with `--param name=value`. */
export interface ParamSpec {
  default: number;
  description?: string;
}

/** A declared object type: named reference fields (slots, in order) and payload bytes. */
export interface TypeSpec {
  refs?: readonly string[];
  bytes?: number;
  description?: string;
}

export type ParamSpecs = Record<string, ParamSpec>;
export type TypeSpecs = Record<string, TypeSpec>;

declare const handleOf: unique symbol;

/**
 * A reference held by the program: a root slot in the handle scope that was
 * open when the handle was made (or a global). `K` is the object's declared
 * type when known, for field completion; `RAW` for an ad-hoc object, `string`
 * when any type is possible (a loaded field).
 */
export interface Handle<K extends string = string> {
  readonly [handleOf]?: K;
}

/**
 * A handle read from a field: fields do not declare the type of what they
 * hold, so it may be passed where a handle of any type is expected.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LoadedHandle = Handle<any>;

/** The type name of an object allocated with `allocRaw` (no named fields). */
export type RAW = "(raw)";

type TypeName<T extends TypeSpecs> = keyof T & string;

/**
 * The field names of type K (all declared fields when K is not a single
 * declared type; any name when the types are not known, as in `Mutator`).
 */
export type FieldOf<T extends TypeSpecs, K extends string> = string extends keyof T
  ? string
  : K extends keyof T
  ? T[K] extends { refs: readonly (infer F extends string)[] }
    ? F
    : never
  : { [N in keyof T]: T[N] extends { refs: readonly (infer F extends string)[] } ? F : never }[keyof T];

/** A field by name, or a slot by index (as `x[i]` in JSON). */
export type Slot<T extends TypeSpecs, K extends string> = FieldOf<T, K> | number;

/** The operations a workload's `main` performs on the simulated heap. */
export interface Mutator<T extends TypeSpecs = TypeSpecs, G extends string = string> {
  /** Allocates an object of a declared type, its fields set from `init` (JSON `alloc` with `init`); a new handle, or `to` reassigned. */
  alloc<K extends TypeName<T>>(type: K, init?: { [F in FieldOf<T, K>]?: Handle | null }, to?: Handle): Handle<K>;
  /** Allocates an ad-hoc object of `slots` reference slots and `bytes` payload bytes (JSON `alloc: {slots, bytes}`). */
  allocRaw(slots: number, bytes: number, to?: Handle): Handle<RAW>;
  /**
   * Allocates an object straight into a field of `obj`, holding no handle (JSON `alloc` with `to: "x.field"`):
   * of a declared type, or ad hoc (`{ slots, bytes }`).
   */
  allocInto<O extends string, K extends TypeName<T>>(obj: Handle<O>, field: Slot<T, O>, type: K, init?: { [F in FieldOf<T, K>]?: Handle | null }): void;
  allocInto<O extends string>(obj: Handle<O>, field: Slot<T, O>, size: { slots: number; bytes: number }): void;
  /** Reads a reference field or slot: a new handle, `to` reassigned, or null for a null field (JSON `load`). */
  load<O extends string>(obj: Handle<O>, field: Slot<T, O>): LoadedHandle | null;
  load<O extends string, K extends string>(obj: Handle<O>, field: Slot<T, O>, to: Handle<K>): Handle<K>;
  /** Writes a reference field or slot, through the collector's write barrier when it has one (JSON `store`). */
  store<O extends string>(obj: Handle<O>, field: Slot<T, O>, value: Handle | null): void;
  /** Makes `to` refer to what `value` refers to, or to nothing (JSON `assign` of a reference variable); returns `to`. */
  set<K extends string>(to: Handle<K>, value: Handle | null): Handle<K>;
  /** A new handle holding null, to be set later (a JSON reference local). */
  local<K extends string = string>(): Handle<K>;
  /** Whether the handle holds null. */
  isNull(h: Handle): boolean;
  /** Whether two handles refer to the same object (JSON `same`). */
  same(a: Handle | null, b: Handle | null): boolean;
  /** Reads payload word `word` (a 32-bit integer) of `obj` (JSON `read`). */
  read(obj: Handle, word: number): number;
  /** Writes payload word `word` of `obj`; the value must fit 32 bits (JSON `write`). */
  write(obj: Handle, word: number, value: number): void;
  /** A declared global: a handle valid for the whole run (JSON global `NAME:ref`). */
  global(name: G): LoadedHandle;
  /**
   * Calls `fn` as a JSON function call: in a new handle scope, with every
   * handle argument copied into it (a reference parameter), charged as a
   * call. A handle `fn` returns must be `escape`d.
   */
  call<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): R;
  /** Runs `fn` in a new handle scope (no call is charged); a handle it returns must be `escape`d. */
  scope<R>(fn: () => R): R;
  /**
   * Marks `h` as the handle the current scope returns (JSON `return` of a
   * reference): when the scope closes, its value moves to a new handle in
   * the enclosing scope, which `call`/`scope` return. The last thing a scope does.
   */
  escape<K extends string>(h: Handle<K>): Handle<K>;
  /** An integer in [0, n), 1 <= n <= 2^32: the JSON language's `rand(n)`, same generator and seed. */
  random(n: number): number;
  /** An integer in [lo, hi]: the JSON language's `randint(lo, hi)`. */
  randint(lo: number, hi: number): number;
  /** Runs a full collection (JSON `collect`). */
  collect(): void;
  /** Appends a line to the run's output (JSON `print`). */
  print(line: string): void;
  /** Charges `statements` statements of the program's own computation (control flow, arithmetic) to simulated time. */
  tick(statements?: number): void;
}

/** What a workload file default-exports. */
export interface WorkloadDefinition<P extends ParamSpecs = ParamSpecs, T extends TypeSpecs = TypeSpecs, G extends string = string> {
  name: string;
  description: string;
  /** Default heap size ("64MiB", or bytes), overridden by --heap. */
  heap?: string | number;
  /** Default seed of the random source, overridden by --seed. */
  seed?: number;
  params: P;
  types: T;
  /** Reference globals: roots for the whole run. */
  globals?: readonly G[];
  main(m: Mutator<T, G>, params: { readonly [N in keyof P]: number }): void;
}

/** Types a workload definition so that its `main` sees its own types, fields, parameters and globals. */
export function defineWorkload<const P extends ParamSpecs, const T extends TypeSpecs, const G extends string = never>(
  definition: WorkloadDefinition<P, T, G>,
): WorkloadDefinition<P, T, G> {
  return definition;
}
