// npm's prepare: build dist/ in a checkout, so that bin/evh works right after
// `npm install` or `npm ci`. A packed tarball ships dist/ and no sources or
// TypeScript: there is nothing to build, and nothing is done.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsc = `${root}node_modules/typescript/bin/tsc`;
if (existsSync(`${root}src`) && existsSync(tsc)) {
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
    cwd: root,
    stdio: "inherit",
  });
}
