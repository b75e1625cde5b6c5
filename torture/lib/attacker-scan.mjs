/**
 * A secret scanner, run as an attacker's uid by torture:attacker:
 * `node attacker-scan.mjs MARK DIR...`. Until SIGTERM it reads every file
 * it can under each DIR (4 levels down), and /proc/<pid>/cmdline and
 * environ of every process, and prints `<secret> <where>` once per find.
 * FIFOs and devices are never opened for reading (O_NONBLOCK, regular
 * files only), so it cannot hang on a trap another attacker set.
 */
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync } from "node:fs";
import path from "node:path";

const [mark, ...dirs] = process.argv.slice(2);
const pattern = new RegExp(`${mark}-[A-Za-z0-9_-]+-[0-9a-f]{8}`, "g");
const seen = new Set();
let stop = false;
process.on("SIGTERM", () => {
  stop = true;
});

function readText(file) {
  let fd;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    if (!fstatSync(fd).isFile()) return "";
    const buf = Buffer.alloc(1 << 20);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString("latin1");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function report(text, where) {
  for (const found of text.match(pattern) ?? []) {
    const key = `${found} ${where}`;
    if (seen.has(key)) continue;
    seen.add(key);
    process.stdout.write(`${key}\n`);
  }
}

function walk(dir, depth) {
  let names;
  try {
    names = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const d of names) {
    const file = path.join(dir, d.name);
    if (d.isDirectory() && depth > 0) walk(file, depth - 1);
    else if (d.isFile()) report(readText(file), file);
  }
}

let sweeps = 0;
while (!stop) {
  for (const dir of dirs) walk(dir, 4);
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    for (const what of ["cmdline", "environ"]) {
      report(readText(`/proc/${pid}/${what}`).replace(/\0/g, " "), `/proc/<pid>/${what}`);
    }
  }
  process.stdout.write(`sweep ${++sweeps}\n`);
  await new Promise((resolve) => setTimeout(resolve, 30));
}
