/** The JSON shape of a workload file, as validated by schema/workload.schema.json. */

export type ExprSource = string | number;
export type RefOperand = string | null;

export interface WorkloadDoc {
  name: string;
  description?: string;
  heap?: string | number;
  seed?: number;
  params?: Record<string, { default: number; description?: string }>;
  distributions?: Record<string, { values: number[]; weights: number[] }>;
  types?: Record<string, { refs?: string[]; bytes?: number; description?: string }>;
  globals?: string[];
  functions?: Record<string, FunctionDoc>;
  graph?: { file: string; nodes?: number; edges?: number; source?: string };
  main: { locals?: string[]; body: Statement[] };
}

export interface FunctionDoc {
  params?: string[];
  locals?: string[];
  returns?: "int" | "ref";
  description?: string;
  body: Statement[];
}

/**
 * The statement kinds, each with the type of its key's value: the one list of
 * kinds. The compiler's emitter table (compiler/statements.ts) is checked
 * against it, so a kind without an emitter does not compile, and the runtime
 * list STATEMENT_KINDS is derived from that table.
 */
export interface StatementKinds {
  alloc: string | { slots: ExprSource; bytes: ExprSource };
  store: string;
  load: string;
  assign: string;
  write: string;
  read: string;
  call: string;
  return: ExprSource | null;
  if: ExprSource;
  while: ExprSource;
  repeat: ExprSource;
  for: string;
  choose: { weight: number; do: Statement[] }[];
  assert: ExprSource;
  collect: true;
  print: string;
  graph: "build" | "rewire" | "rebuild";
}

export type StatementKind = keyof StatementKinds;

/** The keys that qualify a statement's kind (and the comment). */
export interface StatementQualifiers {
  note?: string;
  init?: Record<string, RefOperand>;
  args?: (ExprSource | null)[];
  to?: string;
  value?: ExprSource | null;
  then?: Statement[];
  else?: Statement[];
  from?: ExprSource;
  through?: ExprSource;
  step?: ExprSource;
  do?: Statement[];
  message?: string;
  count?: ExprSource;
  nodes?: ExprSource;
}

/** One statement: exactly one of the kind keys is present; the others qualify it. */
export type Statement = Partial<StatementKinds> & StatementQualifiers;
