/** `gcsim list`: the collectors and the shipped workloads. */
import { join, relative } from "node:path";
import { Command } from "commander";
import type { CollectorDefinition } from "../../collectors/collector.js";
import { collectorNames, collectors } from "../../collectors/registry.js";
import { readWorkloadFile, shippedWorkloads, WORKLOADS_DIR } from "../../workload/load.js";
import type { WorkloadDoc } from "../../workload/types.js";

/** The description's first sentence, cut to one terminal line. */
function summary(text = ""): string {
  const sentence = /^(.*?\.)(\s|$)/.exec(text)?.[1] ?? text;
  return sentence.length > 100 ? `${sentence.slice(0, 97)}...` : sentence;
}

export function listCommand(): Command {
  return new Command("list").description("list collectors and shipped workloads").action(() => {
    const lines = ["Collectors:"];
    for (const name of collectorNames) {
      const entry: CollectorDefinition = collectors[name];
      lines.push(`  ${name.padEnd(12)} ${entry.description}`);
      for (const [key, spec] of Object.entries(entry.options)) {
        lines.push(`      --opt ${key}=${spec.default}`.padEnd(36) + ` ${spec.description}`);
      }
    }
    lines.push("", "Variants: NAME:key=value[:key=value...], e.g. --collectors generational,generational:barrier=cards", "", "Workloads (by name, e.g. gcsim run gcbench -c mark-sweep):");
    for (const name of shippedWorkloads()) {
      const file = join(WORKLOADS_DIR, `${name}.json`);
      const doc = readWorkloadFile(file) as WorkloadDoc;
      lines.push(`  ${name.padEnd(16)} ${relative(process.cwd(), file)}`);
      lines.push(`      ${summary(doc.description)}`);
      const params = Object.entries(doc.params ?? {});
      if (params.length > 0) lines.push(`      params: ${params.map(([k, p]) => `${k}=${p.default}`).join(", ")}`);
    }
    process.stdout.write(lines.join("\n") + "\n");
  });
}
