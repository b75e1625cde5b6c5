/**
 * A system error (`EACCES: permission denied, scandir '/var/spool/evh/new'`)
 * as the one line SPEC §6 asks for: what failed, on which path, and what to
 * do about it. Anything else keeps its own message.
 */
const ADVICE: Readonly<Record<string, { what: string; fix: string }>> = {
  EACCES: {
    what: "permission denied",
    fix: "run evh as the agent's user (root for the system install), or, to emit, as a member of its producer_group",
  },
  EPERM: {
    what: "operation not permitted",
    fix: "run evh as the agent's user (root for the system install)",
  },
  ENOSPC: { what: "no space left on the device", fix: "free space there and try again" },
  EDQUOT: { what: "disk quota exceeded", fix: "free space there and try again" },
  EROFS: { what: "read-only file system", fix: "point --root or evh.yaml at a writable place" },
  ENOENT: {
    what: "no such file or directory",
    fix: "check --root, $EVH_ROOT and the paths in evh.yaml",
  },
  ENOTDIR: {
    what: "a part of the path is not a directory",
    fix: "check --root, $EVH_ROOT and the paths in evh.yaml",
  },
  EMFILE: { what: "too many open files", fix: "raise the open-files limit (ulimit -n)" },
  ENFILE: { what: "too many open files in the system", fix: "close some files and try again" },
};

/** Node's system errors carry their syscall and path. */
interface SystemError extends Error {
  readonly code: string;
  readonly syscall?: string;
  readonly path?: string;
  readonly dest?: string;
}

function isSystemError(error: Error): error is SystemError {
  const { code, syscall } = error as Partial<SystemError>;
  return typeof code === "string" && /^E[A-Z]+$/.test(code) && typeof syscall === "string";
}

/** The line for `error`, or undefined when it is not a system error on a path. */
export function systemErrorLine(error: Error): string | undefined {
  if (!isSystemError(error) || error.path === undefined) return undefined;
  const advice = ADVICE[error.code];
  const what = advice?.what ?? error.code;
  const target = error.dest === undefined ? error.path : `${error.path} → ${error.dest}`;
  const line = `cannot ${error.syscall} ${target}: ${what} (${error.code})`;
  return advice === undefined ? line : `${line}; ${advice.fix}`;
}
