import path from "node:path";

/**
 * The folders of a root and their modes (SPEC §1, §2, §4): what `evh init`
 * creates. Events carry passwords, so everything the agent keeps is 0700;
 * handlers.d/ is readable (cron's way) but only its owner writes it.
 */
export interface LayoutDir {
  readonly dir: string;
  readonly mode: number;
}

export interface Layout {
  /** Where evh.yaml goes. */
  readonly configFile: string;
  readonly dirs: readonly LayoutDir[];
  /** The text of a new evh.yaml. */
  readonly configText: string;
}

const SPOOL_STATES = ["tmp", "new", "cur", "done", "failed"] as const;

function spoolDirs(spool: string): LayoutDir[] {
  return [
    { dir: spool, mode: 0o755 },
    ...SPOOL_STATES.map((s) => ({ dir: path.join(spool, s), mode: 0o700 })),
  ];
}

/** An embedded root: everything under DIR, the defaults of evh.yaml. */
export function embeddedLayout(root: string): Layout {
  return {
    configFile: path.join(root, "evh.yaml"),
    dirs: [
      { dir: root, mode: 0o755 },
      { dir: path.join(root, "handlers.d"), mode: 0o755 },
      ...spoolDirs(path.join(root, "spool")),
      { dir: path.join(root, "var"), mode: 0o700 },
      { dir: path.join(root, "var", "log"), mode: 0o700 },
    ],
    configText: configText({}),
  };
}

/**
 * The Filesystem Hierarchy Standard layout of SPEC §1. `prefix` stages it
 * under another folder (a package build, a test); the paths written into
 * evh.yaml then carry the prefix too, so the staged root works as it is.
 */
export function systemLayout(prefix = "/"): Layout {
  const at = (p: string) => path.join(prefix, p);
  const etc = at("/etc/evh");
  return {
    configFile: path.join(etc, "evh.yaml"),
    dirs: [
      { dir: etc, mode: 0o755 },
      { dir: path.join(etc, "handlers.d"), mode: 0o755 },
      ...spoolDirs(at("/var/spool/evh")),
      { dir: at("/var/lib/evh"), mode: 0o700 },
      { dir: at("/var/log/evh"), mode: 0o700 },
      // 0711: a handler running as another user reaches its own params file inside (SPEC §4).
      { dir: at("/run/evh"), mode: 0o711 },
    ],
    configText: configText({
      spool_dir: at("/var/spool/evh"),
      var_dir: at("/var/lib/evh"),
      log_file: at("/var/log/evh/evh.log"),
    }),
  };
}

function configText(paths: { spool_dir?: string; var_dir?: string; log_file?: string }): string {
  const set = (key: string, value: string | undefined, fallback: string) =>
    value === undefined ? `# ${key}: ${fallback}` : `${key}: ${value}`;
  return `# evh configuration (docs/operations.md). Every setting is optional; a
# commented line shows the default. Durations need a unit: 500ms, 30s, 5m, 24h.
# \`evh config\` prints what is in effect and where each value came from.

# handlers_dir: handlers.d          # relative paths are relative to this folder
${set("spool_dir", paths.spool_dir, "spool")}
${set("var_dir", paths.var_dir, "var")}                  # journal, instance lock, root.event_handler.lock
log:
  level: info                       # error | warn | info | debug
  ${paths.log_file === undefined ? "# file: var/log/evh.log" : `file: ${paths.log_file}`}

# concurrency: 1                    # events handled at once; one ordering key never overlaps
# keep_done: false                  # keep processed events in spool/done/
# dedupe_window: 24h                # an event id that completed is not run again within it
# settle_delay: 1s                  # a bad file written straight into new/ is read once more after it
# rescan_interval: 2s               # the periodic listing of new/ behind the watcher
# max_event_size: 1048576           # bytes
# grace: 30s                        # on SIGTERM, how long running handlers may finish
# redact: [API_KEY]                 # more param-name fragments shown as ***
`;
}
