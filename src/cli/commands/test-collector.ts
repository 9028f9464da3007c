/** `gcsim test-collector`: the conformance suite against a built-in collector or a collector file. */
import { Command } from "commander";
import type { CheckResult } from "../../conformance/suite.js";
import { ExitCode } from "../../errors.js";
import { resolveCollectorSpec } from "../../sim/collector-spec.js";
import { collectOption, parseInteger } from "../parse.js";

export function testCollectorCommand(): Command {
  return new Command("test-collector")
    .description("run the conformance suite (verified workloads, leaks, differential random workloads) against a collector")
    .argument("<collector>", "a built-in collector (gcsim list) or a collector file (./my-gc.ts), optionally with options: NAME[:key=value...]")
    .option("--opt <key=value>", "set a collector option (repeatable)", collectOption)
    .option("--runs <n>", "random workloads in the differential check", parseInteger("--runs", 1), 100)
    .option("--seed <n>", "fast-check seed of the differential check", parseInteger("--seed"), 1)
    .option("--counterexample-dir <dir>", "where a failing random workload is written", ".")
    .action(async (spec: string, flags: { opt?: Record<string, string>; runs: number; seed: number; counterexampleDir: string }) => {
      const resolved = await resolveCollectorSpec(spec);
      // Loaded on use: the suite brings fast-check, which no other command needs at start-up.
      const { testCollector } = await import("../../conformance/suite.js");
      const results = testCollector(resolved.definition, {
        spec,
        collectorOptions: { ...flags.opt, ...resolved.options },
        runs: flags.runs,
        seed: flags.seed,
        counterexampleDir: flags.counterexampleDir,
        onCheck: (r) => process.stdout.write(checkLine(r)),
      });
      const failed = results.filter((r) => !r.passed).length;
      process.stdout.write(`${results.length - failed} passed, ${failed} failed\n`);
      process.exitCode = failed > 0 ? ExitCode.checkFailed : ExitCode.ok;
    });
}

function checkLine(r: CheckResult): string {
  const detail = r.detail ? `\n  ${r.detail}` : "";
  return `${r.passed ? "ok  " : "FAIL"} ${r.check} ${r.subject}${detail}\n`;
}
