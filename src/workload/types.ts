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

/** One statement: exactly one of the kind keys is present; the others qualify it. */
export interface Statement {
  note?: string;
  alloc?: string | { slots: ExprSource; bytes: ExprSource };
  init?: Record<string, RefOperand>;
  store?: string;
  load?: string;
  assign?: string;
  write?: string;
  read?: string;
  call?: string;
  args?: (ExprSource | null)[];
  return?: ExprSource | null;
  to?: string;
  value?: ExprSource | null;
  if?: ExprSource;
  then?: Statement[];
  else?: Statement[];
  while?: ExprSource;
  repeat?: ExprSource;
  for?: string;
  from?: ExprSource;
  through?: ExprSource;
  step?: ExprSource;
  do?: Statement[];
  choose?: { weight: number; do: Statement[] }[];
  assert?: ExprSource;
  message?: string;
  collect?: true;
  print?: string;
  graph?: "build" | "rewire" | "rebuild";
  count?: ExprSource;
  nodes?: ExprSource;
}

export const STATEMENT_KINDS = [
  "alloc",
  "store",
  "load",
  "assign",
  "write",
  "read",
  "call",
  "return",
  "if",
  "while",
  "repeat",
  "for",
  "choose",
  "assert",
  "collect",
  "print",
  "graph",
] as const satisfies readonly (keyof Statement)[];
