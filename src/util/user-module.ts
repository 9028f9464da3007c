/**
 * Importing a user's TypeScript or JavaScript file (a collector, a workload)
 * from anywhere on disk, without a build step: tsx's hooks are registered for
 * the whole thread on first use (not tsImport's namespaced ones, which would
 * load a second copy of gcsim), then gcsim's own (gcsim-alias-hook.ts), which
 * run first and make `import ... from "gcsim"` mean the running gcsim.
 *
 * Each file is imported once per thread; callers check what it exports.
 */
import { existsSync } from "node:fs";
import { register } from "node:module";
import { pathToFileURL } from "node:url";
import { InputError } from "../errors.js";
import { escapeTerminal } from "./text.js";
import { USER_MODULE_QUERY } from "./gcsim-alias-hook.js";

/** A path naming a user's module rather than a built-in or a JSON file. */
export const MODULE_PATH = /\.[cm]?[jt]s$/;

let hooksRegistered = false;

/**
 * Under the bundled CLI (scripts/bundle-cli.mjs) the running gcsim is
 * dist/bundle/index.js: the build defines this as its path from dist/util/.
 */
declare const GCSIM_BUNDLED_LIBRARY: string | undefined;

async function registerHooks(): Promise<void> {
  if (hooksRegistered) return;
  // Under the no-build development loop this module is src/...ts; the library entry is then index.ts.
  const fromSource = import.meta.url.endsWith(".ts");
  const library = typeof GCSIM_BUNDLED_LIBRARY === "string" ? GCSIM_BUNDLED_LIBRARY : fromSource ? "../index.ts" : "../index.js";
  const index = new URL(library, import.meta.url).href;
  const hook = new URL(fromSource ? "./gcsim-alias-hook.ts" : "./gcsim-alias-hook.js", import.meta.url);
  const tsx = await import("tsx/esm/api");
  tsx.register();
  register(hook, { data: { target: index } });
  hooksRegistered = true;
}

/**
 * The module at the absolute path `file` (`what` names it in errors: "collector
 * file ./my-gc.ts"). A missing file or one that throws while loading (a syntax
 * error, an import that fails) is an input error with the line of the reason
 * that names the place, if one does.
 */
export async function importUserModule(file: string, what: string): Promise<{ default?: unknown }> {
  if (!existsSync(file)) throw new InputError(`${what} does not exist`);
  await registerHooks();
  try {
    return (await import(`${pathToFileURL(file).href}?${USER_MODULE_QUERY}`)) as { default?: unknown };
  } catch (e) {
    // tsx's syntax errors say "Transform failed with 1 error:" first and the place on a later line.
    const lines = String((e as Error)?.message ?? e).split("\n");
    const message = lines.find((line) => /:\d+:\d+: /.test(line)) ?? lines[0];
    throw new InputError(`${what} cannot be loaded: ${escapeTerminal(message)}`);
  }
}
