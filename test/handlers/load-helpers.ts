import { createLoadContext, type LoadOptions } from "../../src/handlers/load-context.js";
import type { LoadResult } from "../../src/handlers/load-handlers.js";
import { currentUser } from "../../src/system/system-users.js";
import type { TempRoot } from "../helpers/temp-root.js";

/** A real-system context without the root-only ownership rules (tests for those set agentIsRoot). */
export function loadContext(options: LoadOptions = {}) {
  return createLoadContext(currentUser(), { agentIsRoot: false, ...options });
}

/** A handler document running the fixture script `bin/ok.sh` of the temp root. */
export function doc(root: TempRoot, id: string, extra = ""): string {
  return `id: ${id}\nevent: client_create\ncommand: ${root.path("bin/ok.sh")}\n${extra}`;
}

/** Writes the executable fixture script the documents run. */
export function writeScripts(root: TempRoot): void {
  root.write("bin/ok.sh", "#!/bin/sh\nexit 0\n", 0o755);
  root.write("bin/not-executable.sh", "#!/bin/sh\nexit 0\n", 0o644);
}

/** Diagnostics as `evh validate` prints them, paths relative to the root. */
export function printed(root: TempRoot, result: Pick<LoadResult, "diagnostics">): string[] {
  return result.diagnostics.map(
    (d) => `${d.file.replace(`${root.dir}/`, "")}:${d.line}: ${d.severity}: ${d.message}`,
  );
}
