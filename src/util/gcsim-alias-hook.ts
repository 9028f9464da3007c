/**
 * Module hooks (node:module register) for users' files (collectors and
 * workloads, see user-module.ts):
 *  - resolve: `import ... from "gcsim"` means the gcsim that is running,
 *    wherever the file lives and whether or not gcsim is installed next to
 *    it. One instance of the library means one set of classes: errors a user
 *    collector throws through BaseCollector are the ones the runner recognises.
 *  - load: the user's file itself (marked by USER_MODULE_QUERY) is an ES
 *    module even in a folder whose package.json says CommonJS, since the
 *    library it imports is one.
 */
export const USER_MODULE_QUERY = "gcsim-user-module";
let target = "";

export function initialize(data: { target: string }): void {
  target = data.target;
}

export async function resolve(
  specifier: string,
  context: unknown,
  nextResolve: (specifier: string, context: unknown) => Promise<unknown>,
): Promise<unknown> {
  if (specifier === "gcsim") return { url: target, shortCircuit: true };
  return nextResolve(specifier, context);
}

export async function load(
  url: string,
  context: { format?: string },
  nextLoad: (url: string, context: unknown) => Promise<unknown>,
): Promise<unknown> {
  if (url.endsWith(`?${USER_MODULE_QUERY}`)) return nextLoad(url, { ...context, format: "module" });
  return nextLoad(url, context);
}
