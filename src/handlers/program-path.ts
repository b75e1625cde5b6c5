import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";

/**
 * The PATH handlers run with (SPEC §4). The loader resolves bare program names
 * against it, and the executor passes it on, so both agree on what `sync.sh`
 * means whatever PATH the agent itself was started with.
 */
export const HANDLER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

type ProgramState = "ok" | "missing" | "not-a-file" | "not-executable";

function programState(file: string): ProgramState {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch {
    return "missing";
  }
  if (!isFile) return "not-a-file";
  try {
    accessSync(file, constants.X_OK);
    return "ok";
  } catch {
    return "not-executable";
  }
}

/**
 * The absolute path of the executable a handler's program names, or undefined.
 * A name with a `/` is a path (relative ones from `cwd`, where the handler
 * starts); a bare name is searched in HANDLER_PATH, like execvp(3) does.
 */
export function resolveProgram(program: string, cwd = "/"): string | undefined {
  if (program === "") return undefined;
  if (program.includes("/")) {
    const file = path.resolve(cwd, program);
    return programState(file) === "ok" ? file : undefined;
  }
  for (const dir of HANDLER_PATH.split(":")) {
    const file = path.join(dir, program);
    if (programState(file) === "ok") return file;
  }
  return undefined;
}

/**
 * Why a program cannot run, as a message, or undefined when it can. The check
 * is made as the agent's user (access(2)); a handler running as another user
 * may still lack the permission, which the run then reports as `failed`.
 */
export function checkProgram(program: string, cwd = "/"): string | undefined {
  if (!program.includes("/")) {
    return resolveProgram(program) === undefined
      ? `program "${program}" is not found (or not executable) in PATH ${HANDLER_PATH}`
      : undefined;
  }
  const file = path.resolve(cwd, program);
  const shown = file === program ? program : `${program} (${file})`;
  switch (programState(file)) {
    case "ok":
      return undefined;
    case "missing":
      return `program ${shown} does not exist`;
    case "not-a-file":
      return `program ${shown} is not a regular file`;
    case "not-executable":
      return `program ${shown} is not executable (fix: chmod +x ${file})`;
  }
}
