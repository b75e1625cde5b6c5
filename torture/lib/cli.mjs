/**
 * The command line of a torture script: `--name value` options (numbers
 * where the value is one), flags where the default is a boolean, the
 * summary on stdout, progress on stderr, exit 1 on any violated guarantee.
 */
export async function main(run, defaults, argv = process.argv.slice(2)) {
  const options = { log: (line) => process.stderr.write(`${line}\n`) };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const key = arg.replace(/^--/, "").replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!arg.startsWith("--") || !(key in defaults || key === "verbose")) {
      process.stderr.write(`unknown option ${arg}; options: ${Object.keys(defaults).join(", ")}\n`);
      process.exit(2);
    }
    if (key === "verbose" || typeof defaults[key] === "boolean") {
      options[key] = true;
      continue;
    }
    const value = argv[++i];
    options[key] = Number.isNaN(Number(value)) ? value : Number(value);
  }
  let report;
  try {
    report = await run(options);
  } catch (error) {
    process.stderr.write(`torture aborted: ${error instanceof Error ? error.stack : error}\n`);
    process.exit(1);
  }
  process.stdout.write(`${report.format()}\n`);
  if (options.verbose) {
    for (const c of report.checks) process.stdout.write(`  ${c.ok ? "ok  " : "FAIL"} ${c.name}\n`);
  }
  process.exitCode = report.violations.length > 0 ? 1 : 0;
}
