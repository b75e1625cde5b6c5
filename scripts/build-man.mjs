// Builds man/evh.1 from docs/cli.md (the CLI reference) with marked-man, so
// the man page and the reference never differ. Run by `npm pack` (prepack)
// and the .deb build; the result is not committed.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";

const root = new URL("../", import.meta.url);
const { version } = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));
const cli = readFileSync(new URL("docs/cli.md", root), "utf8");
// marked-man takes the name and the one-line description from a ronn header.
const source = cli.replace(
  /^# .*\n/,
  "evh(1) -- run scripts when control-panel events happen\n=====\n\n",
);
const roff = execFileSync(
  new URL("node_modules/.bin/marked-man", root).pathname,
  ["--version", `evh ${version}`, "--manual", "evh manual"],
  { input: source, encoding: "utf8" },
);
mkdirSync(new URL("man/", root), { recursive: true });
// Temp file and rename: a package build running at the same time never packs half a page.
const temp = new URL(`man/.evh.1.${process.pid}`, root);
writeFileSync(temp, roff);
renameSync(temp, new URL("man/evh.1", root));
