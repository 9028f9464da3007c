/**
 * The gcsim command line: parses arguments, calls the library, prints, and
 * maps every failure to one message and a documented exit code.
 */
import { Command, CommanderError } from "commander";
import { ExitCode, GcsimError, InputError } from "../errors.js";
import { VERSION } from "../version.js";
import { checkCommand } from "./commands/check.js";
import { compareCommand } from "./commands/compare.js";
import { importCommand, inspectCommand } from "./commands/graph.js";
import { listCommand } from "./commands/list.js";
import { minheapCommand } from "./commands/minheap.js";
import { reportCommand } from "./commands/report.js";
import { sweepCommand } from "./commands/sweep.js";
import { runCommand } from "./commands/run.js";
import { testCollectorCommand } from "./commands/test-collector.js";
import { validateCommand } from "./commands/validate.js";

const EXIT_CODES = `
Exit codes:
  0  completed
  1  a check found a problem
  2  usage or input error (bad option, malformed workload, workload runtime error)
  3  out of memory: the heap is too small for the workload under this collector
  4  heap verification failed (--verify)`;

export function buildProgram(): Command {
  const program = new Command("gcsim")
    .description("a garbage-collector research sandbox: workloads on a simulated heap under swappable collectors")
    .version(VERSION)
    .addHelpText("after", EXIT_CODES)
    .showHelpAfterError("(run with --help for usage)");
  for (const command of [runCommand(), compareCommand(), minheapCommand(), sweepCommand(), checkCommand(), testCollectorCommand(), reportCommand(), importCommand(), inspectCommand(), validateCommand(), listCommand()]) {
    program.addCommand(command.addHelpText("after", EXIT_CODES));
  }
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : ExitCode.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has already printed its message; help and version are not errors.
      return e.exitCode === 0 ? ExitCode.ok : ExitCode.input;
    }
    if (e instanceof GcsimError) {
      process.stderr.write(`gcsim: ${e.message}\n`);
      if (e instanceof InputError) for (const d of e.details) process.stderr.write(`  ${d}\n`);
      return e.exitCode;
    }
    throw e;
  }
}
