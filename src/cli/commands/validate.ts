/** `gcsim validate`: schema and semantic checks of workload files, every error with its JSON path. */
import { Command } from "commander";
import { InputError } from "../../errors.js";
import { escapeTerminal } from "../../util/text.js";
import { loadWorkload } from "../../workload/load.js";

export function validateCommand(): Command {
  return new Command("validate")
    .description("check workload files against the schema and the language's rules")
    .argument("<files...>", "workload JSON files")
    .action((files: string[]) => {
      const problems: string[] = [];
      for (const file of files) {
        try {
          loadWorkload(file);
          process.stdout.write(`ok ${escapeTerminal(file)}\n`);
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          // One line per problem: a name from a file can never start a line of its own.
          problems.push(escapeTerminal(e.message), ...e.details.map((d) => `  ${escapeTerminal(d)}`));
        }
      }
      if (problems.length > 0) throw new InputError(problems[0], problems.slice(1).map((p) => p.replace(/^  /, "")));
    });
}
