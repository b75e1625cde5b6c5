/**
 * The dependency rule of docs/architecture.md: imports point down the
 * pipeline, never up, and never in a circle. A folder may import its own
 * floor (without a cycle) and any floor below it.
 *
 *   7  cli/
 *   6  agent/
 *   5  launcher/
 *   4  spool/  execute/  plesk/
 *   3  handlers/  record/
 *   2  events/  config/
 *   1  system/  errors/
 *
 * src/index.ts (the public surface) sits above them all.
 */
const FLOORS = [
  ["system", "errors"],
  ["events", "config"],
  ["handlers", "record"],
  ["spool", "execute", "plesk"],
  ["launcher"],
  ["agent"],
  ["cli"],
];

const upward = FLOORS.slice(0, -1).map((floor, i) => {
  const above = FLOORS.slice(i + 1).flat();
  return {
    name: `no-upward-from-${floor.join("-")}`,
    comment: `${floor.join("/, ")}/ may import only ${FLOORS.slice(0, i + 1)
      .flat()
      .join("/, ")}/ (floors at or below its own)`,
    severity: "error",
    from: { path: `^src/(${floor.join("|")})/` },
    to: { path: `^src/(${above.join("|")})/` },
  };
});

module.exports = {
  forbidden: [
    ...upward,
    {
      name: "no-import-of-the-public-surface",
      comment: "src/index.ts is for the package's users; code inside src/ imports the module itself",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^src/index\\.ts$" },
    },
    {
      name: "no-circular",
      comment:
        "a cycle ties modules together so that neither can be read, tested or moved alone. " +
        "Cycles closed only by the command table's on-demand import() are allowed: " +
        "`evh completion` and `evh plesk import` use the table that loads them, at run time",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true, viaOnly: { dependencyTypesNot: ["dynamic-import"] } },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    includeOnly: "^src/",
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
