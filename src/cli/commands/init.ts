import {
  chmodSync,
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  openSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { embeddedLayout, type Layout, systemLayout } from "../../config/layout.js";
import { UsageError } from "../../errors/evh-error.js";
import { CommandError } from "../cli-error.js";
import { say } from "../output.js";
import type { Done } from "../program.js";

interface InitOptions {
  system?: boolean;
  prefix?: string;
}

/** `evh init [DIR] | --system`: create a root, the only command that does (SPEC §1). */
export function registerInit(program: Command, done: Done): void {
  program
    .command("init")
    .description(
      "create an evh root: DIR (default: the current directory), or --system for /etc/evh and the FHS layout",
    )
    .argument("[dir]", "the folder to make a root")
    .option(
      "--system",
      "the system layout: /etc/evh, /var/spool/evh, /var/lib/evh, /var/log/evh, /run/evh",
    )
    .option(
      "--prefix <dir>",
      "with --system: stage the layout under this folder (package builds, trials)",
    )
    .action((dir: string | undefined, options: InitOptions) => done(init(dir, options)));
}

async function init(dir: string | undefined, options: InitOptions): Promise<number> {
  if (options.system && dir !== undefined) {
    throw new UsageError("give either a folder or --system, not both");
  }
  if (options.prefix !== undefined && !options.system)
    throw new UsageError("--prefix goes with --system");
  const layout = options.system
    ? systemLayout(path.resolve(options.prefix ?? "/"))
    : embeddedLayout(path.resolve(dir ?? "."));
  const made = apply(layout);
  say(`${made ? "created" : "already there"}: ${layout.configFile}`);
  return 0;
}

/**
 * Creates what is missing and sets each folder's mode; an existing evh.yaml
 * is the administrator's and stays as it is, so init can run again (a
 * package's postinst does, at every upgrade). Returns whether evh.yaml was new.
 */
export function apply(layout: Layout): boolean {
  for (const { dir, mode } of layout.dirs) {
    // Parents that are missing (a staging prefix's var/lib) get the usual 0755, not the folder's own mode.
    mkdirSync(path.dirname(dir), { recursive: true, mode: 0o755 });
    mkdirSync(dir, { recursive: true, mode });
    const stat = lstatSync(dir);
    if (!stat.isDirectory())
      throw new CommandError(
        `${dir} exists and is not a folder; move it away and run evh init again`,
      );
    chmodSync(dir, mode);
  }
  let fd: number;
  try {
    fd = openSync(
      layout.configFile,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o644,
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, layout.configText);
  } finally {
    closeSync(fd);
  }
  return true;
}
