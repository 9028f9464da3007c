/**
 * `gcsim validate`: schema and semantic checks of workload files, every error
 * with its JSON path; a script workload's declaration is checked by loading
 * it, and its code type-checked when the typescript package is installed.
 */
import { Command } from "commander";
import { InputError } from "../../errors.js";
import { escapeTerminal } from "../../util/text.js";
import { importWorkload, isScriptWorkload } from "../../workload/load.js";

export function validateCommand(): Command {
  return new Command("validate")
    .description("check workload files against the schema and the language's rules (script workloads: their declaration and types)")
    .argument("<files...>", "workload JSON files, or TypeScript/JavaScript workload files")
    .action(async (files: string[]) => {
      const problems: string[] = [];
      for (const file of files) {
        try {
          await importWorkload(file);
          let note = "";
          if (isScriptWorkload(file)) {
            const { typeCheckScript } = await import("../../workload/script/typecheck.js");
            const check = await typeCheckScript(file);
            if (!check.checked) note = ` (not type-checked: ${check.reason})`;
            else if (check.errors.length > 0) {
              throw new InputError(`${file}: ${check.errors.length} type error${check.errors.length === 1 ? "" : "s"}`, check.errors);
            }
          }
          process.stdout.write(`ok ${escapeTerminal(file)}${note}\n`);
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          // One line per problem: a name from a file can never start a line of its own.
          problems.push(escapeTerminal(e.message), ...e.details.map((d) => `  ${escapeTerminal(d)}`));
        }
      }
      if (problems.length > 0) throw new InputError(problems[0], problems.slice(1).map((p) => p.replace(/^  /, "")));
    });
}
