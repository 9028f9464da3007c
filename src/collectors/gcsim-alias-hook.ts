/**
 * A module resolution hook (node:module register) that makes `import ... from
 * "gcsim"` in a user's collector file mean the gcsim that is running, wherever
 * the file lives and whether or not gcsim is installed next to it. One
 * instance of the library means one set of classes: errors a user collector
 * throws through BaseCollector are the ones the runner recognises.
 */
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
