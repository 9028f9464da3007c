/**
 * The workload compiler's public entry; the compiler itself lives in
 * compiler/ (see compiler/index.ts for its parts).
 */
export {
  compileUnlinked,
  compileWorkload,
  linkProgram,
  STATEMENT_KINDS,
  type CompiledProgram,
  type CompileOptions,
  type LinkOptions,
  type UnlinkedProgram,
} from "./compiler/index.js";
