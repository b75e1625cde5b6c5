// npm's prepare: build dist/ in a checkout, so that bin/evh works right after
// `npm install` or `npm ci`: the same two steps as `npm run build` (tsc, then
// the CommonJS form of `evh emit --from-env` from tsc's output, see
// rolldown.config.ts). A packed tarball ships dist/ and no sources or
// TypeScript: there is nothing to build, and nothing is done.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsc = `${root}node_modules/typescript/bin/tsc`;
const rolldown = `${root}node_modules/rolldown/bin/cli.mjs`;
if (existsSync(`${root}src`) && existsSync(tsc)) {
  for (const args of [
    [tsc, "-p", "tsconfig.build.json"],
    [rolldown, "-c", "rolldown.config.ts"],
  ]) {
    execFileSync(process.execPath, args, { cwd: root, stdio: "inherit" });
  }
}
