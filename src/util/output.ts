/**
 * Writing results: to stdout, or atomically to a file so that a failed run
 * never leaves half a file and never destroys the previous one.
 *
 *   checkOutputPath  - before any work: the folder exists and is a writable
 *                      directory, and the target, if it exists, is a regular
 *                      file (or a symlink to one); a directory, device, FIFO,
 *                      socket or dangling symlink is refused. So a bad path
 *                      fails in milliseconds, not after the computation.
 *   writeAtomically  - the text goes to a fresh temporary file in the same
 *                      folder (created exclusively), which is then renamed
 *                      over the target. On any error (a full disk) the
 *                      temporary file is removed and the previous file is
 *                      untouched; a SIGINT/SIGTERM arriving during the write
 *                      is held until the temporary file is gone, then
 *                      delivered (see guardSignals). A symlink to a regular file is written
 *                      through (its target is replaced, the link kept).
 * Every failure is an OutputError: one line naming the file, exit 2.
 */
import { accessSync, constants, lstatSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { InputError } from "../errors.js";

/** A file that cannot be written: one line, exit 2 (as an input error: the path given is unusable). */
export class OutputError extends InputError {}

/** The filesystem calls writeAtomically makes, replaceable in tests (a full disk, a failing rename). */
export interface OutputFs {
  writeFileSync(file: string, data: string, options: { flag: string; mode: number }): void;
  renameSync(from: string, to: string): void;
  rmSync(file: string, options: { force: boolean }): void;
}

const nodeFs: OutputFs = { writeFileSync, renameSync, rmSync };

/** "ENOSPC" -> "no space left on device (ENOSPC)" for the errors a write can meet. */
const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOENT: "no such file or directory",
  ENOTDIR: "a part of the path is not a folder",
  EISDIR: "is a directory",
  EEXIST: "already exists",
  EIO: "input/output error",
  ENAMETOOLONG: "name too long",
  ELOOP: "too many symbolic links",
  EFBIG: "file too large",
  EMFILE: "too many open files",
  EXDEV: "crosses file systems",
};

/** A one-line description of a filesystem error, without the stack or the syscall's own wording. */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === "string") return `${ERRNO_TEXT[code] ?? "error"} (${code})`;
  return e instanceof Error ? e.message.split("\n")[0] : String(e);
}

function kindOf(s: Stats): string | undefined {
  if (s.isFile()) return undefined;
  if (s.isDirectory()) return "a directory";
  if (s.isFIFO()) return "a FIFO";
  if (s.isCharacterDevice() || s.isBlockDevice()) return "a device";
  if (s.isSocket()) return "a socket";
  return "not a regular file";
}

/**
 * Checks, before any work, that `file` can be written: throws OutputError
 * naming the file and the reason. `what` names the option (e.g. "-o").
 */
export function checkOutputPath(file: string, what = "output"): void {
  const fail = (why: string): never => {
    throw new OutputError(`cannot write ${what} ${file}: ${why}`);
  };
  if (file === "") fail("empty path");
  let target: Stats | undefined;
  try {
    target = lstatSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") fail(describeFsError(e));
  }
  if (target?.isSymbolicLink()) {
    let resolved: Stats;
    try {
      resolved = statSync(file);
    } catch {
      return fail("a symbolic link to nothing");
    }
    const kind = kindOf(resolved);
    if (kind) fail(`a symbolic link to ${kind}`);
  } else if (target) {
    const kind = kindOf(target);
    if (kind) fail(`the target is ${kind}`);
  }
  const folder = dirname(writeTarget(file));
  let dir: Stats;
  try {
    dir = statSync(folder);
  } catch (e) {
    return fail((e as NodeJS.ErrnoException).code === "ENOENT" ? `folder ${folder} does not exist` : `folder ${folder}: ${describeFsError(e)}`);
  }
  if (!dir.isDirectory()) fail(`${folder} is not a folder`);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    fail(`folder ${folder} is not writable`);
  }
}

/** Checks every given output path (undefined ones are skipped): one call per command, before any work. */
export function checkOutputPaths(outputs: Record<string, string | undefined>): void {
  for (const [what, file] of Object.entries(outputs)) if (file !== undefined) checkOutputPath(file, what);
}

/** The file actually replaced: the target of a symlink to a regular file, else the path itself. */
function writeTarget(file: string): string {
  try {
    if (lstatSync(file).isSymbolicLink()) return realpathSync(file);
  } catch {
    // does not exist (yet): written as named
  }
  return resolve(file);
}

let temps = 0;

/**
 * Signals during a write. A synchronous write cannot be interrupted by a
 * JavaScript handler, but with none installed SIGINT and SIGTERM kill the
 * process at once and leave the temporary file. So while writes happen a
 * listener is installed; it can only run once the write has returned (the
 * temporary file renamed or removed), and it then removes itself and raises
 * the signal again, which now ends the process as usual. The listener is
 * removed after the next turn of the event loop (a timer, then an immediate:
 * a signal that arrived during the write is handled in the poll phase between them).
 */
let guarded = false;
let release: NodeJS.Timeout | undefined;

function unguard(): void {
  process.off("SIGINT", reraise);
  process.off("SIGTERM", reraise);
  guarded = false;
}

function reraise(signal: NodeJS.Signals): void {
  unguard();
  process.kill(process.pid, signal);
}

function guardSignals(): void {
  if (!guarded) {
    process.on("SIGINT", reraise);
    process.on("SIGTERM", reraise);
    guarded = true;
  }
  clearTimeout(release);
  release = setTimeout(() => setImmediate(unguard), 0);
  release.unref();
}

/**
 * Writes `text` to `file` atomically. On failure the previous file is intact,
 * no temporary file remains, and an OutputError (exit 2) says why in one line.
 */
export function writeAtomically(file: string, text: string | Uint8Array, fs: OutputFs = nodeFs): void {
  checkOutputPath(file);
  const target = writeTarget(file);
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${temps++}.tmp`);
  guardSignals();
  try {
    fs.writeFileSync(temp, text as string, { flag: "wx", mode: 0o644 });
    fs.renameSync(temp, target);
  } catch (e) {
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // nothing more can be done; the message below still names the file
    }
    throw new OutputError(`cannot write ${file}: ${describeFsError(e)}; the previous file, if any, is unchanged`);
  }
}

export function emit(text: string, file: string | undefined): void {
  const body = text.endsWith("\n") ? text : `${text}\n`;
  if (file) writeAtomically(file, body);
  else process.stdout.write(body);
}
