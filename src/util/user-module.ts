/**
 * Importing a user's TypeScript or JavaScript file (a collector, a workload)
 * from anywhere on disk, without a build step and without a module loader
 * thread. The file and the user's own files it imports are bundled by
 * esbuild into one ES module (packages stay Node's, imported where they
 * lie), in which `import ... from "gcsim"` names the gcsim that is running
 * (one instance of the library means one set of classes: errors a user
 * collector throws through BaseCollector are the ones the runner recognises).
 * The bundle is kept in a per-user cache keyed by the file's path, and used
 * again while every one of its inputs has the content it was built from
 * (a hash of each; sizes and times would miss an edit that `cp -p`, rsync
 * or tar gives the old timestamp), so a second run of the same workload
 * imports a ready module.
 *
 * Why not tsx's loader: on Node 20 module hooks run on a loader thread that
 * starts with every process, and starting it and tsx in it took ~170 ms per
 * `gcsim run my-workload.ts` - a sixth of the JSON GCBench's whole run. A
 * cached bundle loads in a few milliseconds; only a changed file pays for
 * esbuild (~100 ms).
 *
 * Stack traces name the user's own files and lines: the bundle carries an
 * inline source map and source maps are turned on before it loads.
 * Each file is imported once per thread; callers check what it exports.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { dirname, isAbsolute, join, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { InputError } from "../errors.js";
import { VERSION } from "../version.js";
import { escapeTerminal } from "./text.js";

/** Raised whenever what compile() makes changes, so that no module compiled the old way is used again. */
const CACHE_FORMAT = 4;

/** A path naming a user's module rather than a built-in or a JSON file. */
export const MODULE_PATH = /\.[cm]?[jt]s$/;

/**
 * Under the bundled CLI (scripts/bundle-cli.mjs) the running gcsim is
 * dist/bundle/index.js: the build defines this as its path from dist/util/.
 */
declare const GCSIM_BUNDLED_LIBRARY: string | undefined;

/** The URL of the running library: what `import ... from "gcsim"` means in a user's file. */
function libraryUrl(): string {
  // Under the no-build development loop this module is src/...ts; the library entry is then index.ts.
  const fromSource = import.meta.url.endsWith(".ts");
  const library = typeof GCSIM_BUNDLED_LIBRARY === "string" ? GCSIM_BUNDLED_LIBRARY : fromSource ? "../index.ts" : "../index.js";
  return new URL(library, import.meta.url).href;
}

/**
 * Where compiled modules are kept: GCSIM_CACHE_DIR, else a folder of this
 * user's in the temporary directory - used only if it is this user's and
 * nobody else can write to it (in a shared /tmp, a folder someone else made
 * first could hand us their code). Undefined: no usable cache.
 */
function cacheDir(): string | undefined {
  if (process.env.GCSIM_CACHE_DIR) return process.env.GCSIM_CACHE_DIR;
  const uid = typeof process.getuid === "function" ? process.getuid() : undefined;
  const root = join(tmpdir(), `gcsim-${uid ?? userInfo().username}`);
  try {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    const s = statSync(root);
    if (!s.isDirectory() || (uid !== undefined && s.uid !== uid) || (s.mode & 0o022) !== 0) return undefined;
  } catch {
    return undefined;
  }
  return join(root, "modules");
}

/** What the cache records of one compiled file: its inputs' contents (hashed), and the module built from them. */
interface CacheEntry {
  inputs: { path: string; sha256: string }[];
  module: string;
}

/** SHA-256 in hex. node:crypto is loaded on first use: every command would otherwise pay for it at start-up. */
let sha256: (data: string | Buffer) => string;
async function loadHash(): Promise<void> {
  const { createHash } = await import("node:crypto");
  sha256 = (data) => createHash("sha256").update(data).digest("hex");
}

/** A file's content hash, or undefined if it cannot be read. */
function contentHash(path: string): string | undefined {
  try {
    return sha256(readFileSync(path));
  } catch {
    return undefined;
  }
}

function unchanged(entry: CacheEntry): boolean {
  return existsSync(entry.module) && entry.inputs.every((input) => contentHash(input.path) === input.sha256);
}

function readEntry(file: string): CacheEntry | undefined {
  try {
    const entry = JSON.parse(readFileSync(file, "utf8")) as CacheEntry;
    return Array.isArray(entry.inputs) && typeof entry.module === "string" ? entry : undefined;
  } catch {
    return undefined;
  }
}

/** Writes by renaming a finished temporary file, so a reader (another gcsim) never sees half a file. */
function writeWhole(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, file);
}

/** Marks esbuild's own resolution inside the plugin, so the plugin does not see it again. */
const RESOLVING = Symbol("resolving");

/** gcsim's own compiled and source folders. */
const OWN_FOLDERS = ["../../dist/", "../../src/"].map((folder) => fileURLToPath(new URL(folder, import.meta.url)));

/** A resolved import Node loads itself rather than the bundle holding it: a package's file, or gcsim's own. */
function leftToNode(path: string): boolean {
  return path.includes(`${sep}node_modules${sep}`) || OWN_FOLDERS.some((folder) => path.startsWith(folder));
}

/** esbuild's first error as one line naming the place, as "file:line:column: message" (columns from 1, as editors count). */
function buildError(e: unknown, workingDir: string): string {
  const errors = (e as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors;
  const first = errors?.[0];
  if (!first) return String((e as Error)?.message ?? e).split("\n")[0];
  const at = first.location ? `${resolve(workingDir, first.location.file)}:${first.location.line}:${first.location.column + 1}: ` : "";
  return `${at}${first.text}`;
}

/** The file compiled to one ES module importing the running gcsim: its text and the files it was built from. */
async function compile(file: string, library: string, dir: string, what: string): Promise<{ code: string; inputs: string[] }> {
  const esbuild = await import("esbuild");
  try {
    const result = await esbuild.build({
      entryPoints: [file],
      absWorkingDir: dirname(file),
      bundle: true,
      write: false,
      // Where the module will lie: the source map's paths to the user's files are relative to it.
      outfile: join(dir, "module.mjs"),
      format: "esm",
      platform: "node",
      target: "node20",
      sourcemap: "inline",
      metafile: true,
      logLevel: "silent",
      // The entry's own URL, as the file would see it if Node loaded it directly.
      define: { "import.meta.url": JSON.stringify(pathToFileURL(file).href) },
      // A bundled CommonJS package may call require: give it one that resolves from the user's file.
      banner: { js: `import { createRequire as __gcsimCreateRequire } from "node:module"; const require = __gcsimCreateRequire(${JSON.stringify(pathToFileURL(file).href)});` },
      plugins: [
        {
          name: "gcsim",
          setup(build) {
            build.onResolve({ filter: /^gcsim$/ }, () => ({ path: library, external: true }));
            // Packages (and gcsim's own modules, imported by path) are left to Node, by absolute URL: bundled,
            // a package would lose its own import.meta.url, and gcsim would be loaded a second time.
            build.onResolve({ filter: /.*/ }, async (args) => {
              if (args.kind === "entry-point" || args.pluginData === RESOLVING) return undefined;
              const found = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: RESOLVING });
              if (found.errors.length > 0) return { errors: found.errors };
              return !found.external && isAbsolute(found.path) && leftToNode(found.path) ? { path: pathToFileURL(found.path).href, external: true } : found;
            });
          },
        },
      ],
    });
    const inputs = Object.keys(result.metafile.inputs).map((input) => join(dirname(file), input));
    return { code: result.outputFiles[0].text, inputs };
  } catch (e) {
    throw new InputError(`${what} cannot be loaded: ${escapeTerminal(buildError(e, dirname(file)))}`);
  }
}

/** The URL of the file compiled (from the cache when its inputs are unchanged). */
async function compiledModule(file: string, what: string): Promise<string> {
  const library = libraryUrl();
  const dir = cacheDir();
  await loadHash();
  const key = sha256(JSON.stringify([CACHE_FORMAT, VERSION, library, file])).slice(0, 32);
  const entryFile = dir === undefined ? undefined : join(dir, `${key}.json`);
  const cached = entryFile === undefined ? undefined : readEntry(entryFile);
  if (cached && unchanged(cached)) return pathToFileURL(cached.module).href;

  const hashes = (paths: string[]) => paths.map((path) => ({ path, sha256: contentHash(path) ?? "" }));
  // The entry is hashed before compiling: if it is edited meanwhile, it looks changed next time, never stale.
  const before = hashes([file]);
  const { code, inputs } = await compile(file, library, dir ?? dirname(file), what);
  if (dir !== undefined && entryFile !== undefined) {
    const moduleFile = join(dir, `${key}-${sha256(code).slice(0, 16)}.mjs`);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (!existsSync(moduleFile)) writeWhole(moduleFile, code);
      const recorded = [...before, ...hashes(inputs.filter((input) => input !== file))];
      writeWhole(entryFile, JSON.stringify({ inputs: recorded, module: moduleFile } satisfies CacheEntry));
      return pathToFileURL(moduleFile).href;
    } catch {
      // Fall through: the cache cannot be written.
    }
  }
  // No usable cache: the module loads from its text (and is compiled again next time).
  return `data:text/javascript;base64,${Buffer.from(code).toString("base64")}`;
}

/**
 * The module at the absolute path `file` (`what` names it in errors: "collector
 * file ./my-gc.ts"). A missing file or one that throws while loading (a syntax
 * error, an import that fails) is an input error with the line of the reason
 * that names the place, if one does.
 */
export async function importUserModule(file: string, what: string): Promise<{ default?: unknown }> {
  if (!existsSync(file)) throw new InputError(`${what} does not exist`);
  const url = await compiledModule(file, what);
  process.setSourceMapsEnabled(true);
  try {
    return (await import(url)) as { default?: unknown };
  } catch (e) {
    // Thrown while the module ran its top level: the message, and where in the user's files it was thrown.
    const message = String((e as Error)?.message ?? e).split("\n")[0];
    const at = thrownAt((e as Error)?.stack);
    throw new InputError(`${what} cannot be loaded: ${escapeTerminal(message)}${at ? ` (at ${escapeTerminal(at)})` : ""}`);
  }
}

/** The first place in a stack trace that is in a user's file (source-mapped), not gcsim's or Node's. */
function thrownAt(stack: string | undefined): string | undefined {
  for (const line of stack?.split("\n").slice(1) ?? []) {
    const place = /\(?((?:file:\/\/)?\/[^()\s]+:\d+:\d+)\)?\s*$/.exec(line)?.[1]?.replace(/^file:\/\//, "");
    if (place && !OWN_FOLDERS.some((folder) => place.startsWith(folder)) && !place.includes(`${sep}node_modules${sep}`)) return place;
  }
  return undefined;
}
