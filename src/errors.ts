/**
 * Errors a user can see. Each carries the process exit code the CLI uses, so
 * one handler at the top prints the message once and exits with the code.
 * Exit codes: 0 completed, 1 a check found a problem, 2 usage or input error,
 * 3 out of memory, 4 heap verification failed.
 */

export const ExitCode = {
  ok: 0,
  checkFailed: 1,
  input: 2,
  outOfMemory: 3,
  verifyFailed: 4,
} as const;

export class GcsimError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad command line, unreadable or malformed workload, unknown collector. */
export class InputError extends GcsimError {
  constructor(
    message: string,
    /** One line per problem, for validate-style listings. */
    readonly details: readonly string[] = [],
  ) {
    super(message, ExitCode.input);
  }
}

/** The workload did something its semantics forbid (unset variable, null dereference, runaway loop). */
export class WorkloadRuntimeError extends GcsimError {
  constructor(
    readonly reason: string,
    readonly path: string,
  ) {
    super(`${reason} at ${path}`, ExitCode.input);
  }
}

/** An allocation could not be satisfied even after a full collection. */
export class OutOfMemoryError extends GcsimError {
  constructor(
    readonly path: string,
    readonly requestedBytes: number,
    readonly heapBytes: number,
    readonly liveBytes: number,
  ) {
    super(
      `out of memory at ${path}: requested ${requestedBytes} bytes, heap ${heapBytes}, live ${liveBytes}`,
      ExitCode.outOfMemory,
    );
  }
}

/** The independent heap verifier found the heap corrupted by a collection. */
export class VerificationError extends GcsimError {
  constructor(
    readonly collection: number,
    readonly address: number,
    readonly problem: string,
  ) {
    super(
      `heap verification failed after collection ${collection}: ${problem}` +
        (address > 0 ? ` (address ${address})` : ""),
      ExitCode.verifyFailed,
    );
  }
}
