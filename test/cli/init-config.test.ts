import { readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runEvh } from "../helpers/evh-process.js";
import { useCliRoots } from "./cli-root.js";

const newRoot = useCliRoots();
const modeOf = (p: string) => (statSync(p).mode & 0o7777).toString(8);

describe("evh init", () => {
  it("makes a folder a root with private spool and state folders, and keeps an edited evh.yaml", async () => {
    const scratch = newRoot();
    const dir = scratch.path("new-root");
    expect(await runEvh(["init", dir])).toEqual({
      code: 0,
      stdout: `created: ${dir}/evh.yaml\n`,
      stderr: "",
    });
    expect(
      ["handlers.d", "spool", "spool/tmp", "spool/new", "spool/cur", "spool/failed", "var"].map(
        (p) => `${p} ${modeOf(`${dir}/${p}`)}`,
      ),
    ).toEqual([
      "handlers.d 755",
      "spool 755",
      "spool/tmp 700",
      "spool/new 700",
      "spool/cur 700",
      "spool/failed 700",
      "var 700",
    ]);
    expect(readFileSync(`${dir}/evh.yaml`, "utf8")).toMatch(/^# evh configuration/);
    expect((await runEvh(["validate", "--root", dir])).code).toBe(0);
    scratch.write("new-root/evh.yaml", "concurrency: 3\n");
    expect((await runEvh(["init", dir])).stdout).toBe(`already there: ${dir}/evh.yaml\n`);
    expect(readFileSync(`${dir}/evh.yaml`, "utf8")).toBe("concurrency: 3\n");
  });

  it("--system --prefix stages the FHS layout, whose evh.yaml points at it", async () => {
    const scratch = newRoot();
    const prefix = scratch.path("stage");
    expect((await runEvh(["init", "--system", "--prefix", prefix])).code).toBe(0);
    expect(
      [
        "etc/evh/handlers.d",
        "var/spool/evh/new",
        "var/lib/evh",
        "var/log/evh",
        "run/evh",
        "var/lib",
      ].map((p) => `${p} ${modeOf(`${prefix}/${p}`)}`),
    ).toEqual([
      "etc/evh/handlers.d 755",
      "var/spool/evh/new 700",
      "var/lib/evh 700",
      "var/log/evh 700",
      "run/evh 711",
      "var/lib 755",
    ]);
    const config = await runEvh(["config", "--json", "--root", `${prefix}/etc/evh`]);
    const settings = JSON.parse(config.stdout).settings;
    expect(settings.spool_dir).toEqual({
      value: `${prefix}/var/spool/evh`,
      from: `${prefix}/etc/evh/evh.yaml:6`,
    });
    expect(settings.var_dir.value).toBe(`${prefix}/var/lib/evh`);
    expect(settings["log.file"].value).toBe(`${prefix}/var/log/evh/evh.log`);
    // A second run (a package upgrade's postinst) changes nothing and succeeds.
    expect(await runEvh(["init", "--system", "--prefix", prefix])).toMatchObject({ code: 0 });
    // The staged root is a working one: an emitted event lands in its spool.
    const emitted = await runEvh([
      "emit",
      "--root",
      `${prefix}/etc/evh`,
      "service_restart",
      "NEW_SERVICE=x",
    ]);
    expect(emitted.stdout).toMatch(new RegExp(`^${prefix}/var/spool/evh/new/\\S+\\.json\\n$`));
  });

  it("refuses a folder together with --system, and --prefix alone, as bad usage", async () => {
    expect(await runEvh(["init", "/tmp/x", "--system"])).toMatchObject({
      code: 2,
      stderr: "evh: give either a folder or --system, not both\n",
    });
    expect(await runEvh(["init", "--prefix", "/tmp/x"])).toMatchObject({
      code: 2,
      stderr: "evh: --prefix goes with --system\n",
    });
  });
});

describe("evh config", () => {
  it("prints every setting with where it came from: evh.yaml's line, a flag, or the default", async () => {
    const root = newRoot();
    root.write("evh.yaml", "# ours\nconcurrency: 2\ngrace: 5s\n");
    const text = await root.evh("config");
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`# root ${root.dir} (chosen by: $EVH_ROOT)\n`);
    expect(text.stdout).toMatch(new RegExp(`\\nconcurrency +2 +${root.path("evh.yaml")}:2\\n`));
    expect(text.stdout).toMatch(/\ngrace +5s +\S+evh\.yaml:3\n/);
    expect(text.stdout).toMatch(/\nkeep_done +false +default\n/);
    const json = JSON.parse((await root.evh("config", "--json")).stdout);
    expect(json.config_file).toBe(root.path("evh.yaml"));
    expect(json.settings.grace).toEqual({ value: 5000, from: `${root.path("evh.yaml")}:3` });
    expect(json.settings.settle_delay).toEqual({ value: 1000, from: "default" });
  });
});
