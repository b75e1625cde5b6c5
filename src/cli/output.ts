import path from "node:path";

/** One line on stdout. */
export function say(line = ""): void {
  process.stdout.write(`${line}\n`);
}

/** `--json` output: stable keys, two-space indentation, one trailing newline. */
export function sayJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A warning that does not change the exit status: `evh: warning: ...` on stderr. */
export function warn(message: string): void {
  process.stderr.write(`evh: warning: ${message}\n`);
}

/** A note for people on stderr, kept out of stdout so that stdout stays parseable. */
export function note(message: string): void {
  process.stderr.write(`evh: ${message}\n`);
}

/**
 * A path as messages show it: relative to the current directory when it lies
 * under it (`handlers.d/crm.yaml`), else absolute, so it can be pasted into a
 * shell either way.
 */
export function displayPath(file: string, cwd = process.cwd()): string {
  // From `/`, `etc/evh/x.yaml` would only be harder to read than the absolute path.
  if (cwd === "/") return file;
  const relative = path.relative(cwd, file);
  if (relative === "") return ".";
  if (relative.startsWith("..") || path.isAbsolute(relative)) return file;
  return relative;
}

/**
 * Columns padded to their widest cell, two spaces apart; the last column is
 * not padded, so long commands do not drag trailing blanks.
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]) {
  const widths = headers.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}
