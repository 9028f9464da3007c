/**
 * Type-checking a script workload for `gcsim validate`. esbuild strips types
 * without checking them, so a workload that does not type-check still runs;
 * validate checks it with the TypeScript compiler when the `typescript`
 * package can be found (it is a development dependency of gcsim and the
 * usual dependency of a TypeScript project), and says so when it cannot -
 * a 20 MB compiler is not worth installing with every gcsim for this.
 *
 * `import ... from "gcsim"` is checked against the running gcsim's own
 * declarations, wherever the workload lives.
 */
import { existsSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";

export type TypeCheck = { checked: true; errors: string[] } | { checked: false; reason: string };

/** The declarations of the running gcsim: dist/index.d.ts when built, src/index.ts under the no-build loop. */
function gcsimTypes(): string {
  const fromSource = import.meta.url.endsWith(".ts");
  return fileURLToPath(new URL(fromSource ? "../../index.ts" : "../../index.d.ts", import.meta.url));
}

export async function typeCheckScript(file: string): Promise<TypeCheck> {
  let ts: typeof import("typescript");
  try {
    ts = ((await import("typescript")) as { default: typeof import("typescript") }).default;
  } catch {
    return { checked: false, reason: "the typescript package is not installed (npm install typescript, next to gcsim or in the workload's project)" };
  }
  const types = gcsimTypes();
  if (!existsSync(types)) return { checked: false, reason: `gcsim's declarations are missing (${types})` };
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    allowJs: true,
    checkJs: false,
    skipLibCheck: true,
    lib: ["lib.es2022.d.ts"],
    types: [],
    paths: { gcsim: [types] },
  });
  const errors = ts
    .getPreEmitDiagnostics(program)
    // gcsim's own sources are checked by gcsim's build; only the workload's problems are reported.
    .filter((d) => d.file === undefined || !d.file.fileName.startsWith(fileURLToPath(new URL("../../", import.meta.url))))
    .map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, " ");
      if (!d.file || d.start === undefined) return message;
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      const shown = relative(process.cwd(), d.file.fileName);
      return `${shown && !shown.startsWith("..") ? shown : d.file.fileName}:${line + 1}:${character + 1}: ${message}`;
    });
  return { checked: true, errors };
}
