import { afterAll, describe, expect, it } from "vitest";
import { mkdtemp, readdir, rm, stat, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStateStore } from "../../src/state/local.ts";
import { openStateStore } from "../../src/state/index.ts";
import { buildPlan } from "../support/plan-builder.ts";
import { describeStoreContract, owner, PLAN_FILE } from "./contract.ts";
import { PreconditionFailedError, type ToolError } from "../../src/errors.ts";

const roots: string[] = [];
async function tempRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "ebg-state-"));
  roots.push(root);
  return root;
}
afterAll(async () => {
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

describeStoreContract("local folder", async () => {
  const dir = join(await tempRoot(), ".eks-bluegreen", "contract");
  return {
    open: (o = {}) => new LocalStateStore({ dir, planFile: PLAN_FILE, ...o }),
    writeRawLock: async (text) => {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, "lock.json"), text);
    },
  };
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe("local store on disk", () => {
  it("lives in <state.dir>/<plan name>/ under the cwd, folder 0700, files 0600", async () => {
    const cwd = await tempRoot();
    const store = openStateStore(buildPlan({ metadata: { name: "prod" } }, "plans/prod.yaml"), { cwd });
    expect(store.location).toBe("file .eks-bluegreen/prod/state.json");
    await store.write("{}", undefined);
    await store.lock(owner(1), 60_000);
    const dir = join(cwd, ".eks-bluegreen", "prod");
    expect(await mode(dir)).toBe(0o700);
    expect(await mode(join(dir, "state.json"))).toBe(0o600);
    expect(await mode(join(dir, "lock.json"))).toBe(0o600);
  });

  it("tightens a folder that already existed with looser modes", async () => {
    const dir = join(await tempRoot(), "p");
    await mkdir(dir, { mode: 0o755 });
    await new LocalStateStore({ dir, planFile: PLAN_FILE }).write("{}", undefined);
    expect(await mode(dir)).toBe(0o700);
  });

  it("atomic writes leave no temp files behind, even after lost races", async () => {
    const dir = join(await tempRoot(), "p");
    const store = new LocalStateStore({ dir, planFile: PLAN_FILE });
    let version = await store.write("0", undefined);
    for (let i = 1; i <= 20; i++) version = await store.write(String(i), version);
    await Promise.allSettled(Array.from({ length: 5 }, (_, i) => store.write(`x${i}`, "stale")));
    await Promise.allSettled(Array.from({ length: 5 }, () => store.write("again", undefined)));
    const lease = await store.lock(owner(1), 60_000);
    await store.renew(lease, 60_000).then((l) => store.unlock(l));
    expect((await readdir(dir)).sort()).toEqual(["state.json"]);
    expect((await store.read())?.text).toBe("20");
  });

  it("version is the sha256 of the content, so an edit by hand is a lost race", async () => {
    const dir = join(await tempRoot(), "p");
    const store = new LocalStateStore({ dir, planFile: PLAN_FILE });
    const version = await store.write('{"a":1}', undefined);
    expect(version).toBe("015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862");
    await writeFile(join(dir, "state.json"), '{"a":2}');
    const error = (await store.write('{"a":3}', version).then(
      () => undefined,
      (e: unknown) => e,
    )) as ToolError;
    expect(error).toBeInstanceOf(PreconditionFailedError);
    // Words for a local file: no S3 status code, and exit 5 ("another run moved first").
    expect(error.message).toMatch(
      /Another run moved first: the state file .*state\.json changed under this run/,
    );
    expect(error.message).not.toMatch(/HTTP|412|object/);
    expect(error.exitCode).toBe(5);
  });

  it("sweeps temp files left by a writer that died, keeps a live writer's", async () => {
    const dir = join(await tempRoot(), "p");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, ".state.json.999999.0123456789ab.tmp"), "half");
    await writeFile(join(dir, `.state.json.${process.pid}.0123456789ab.tmp`), "mine");
    const store = new LocalStateStore({ dir, planFile: PLAN_FILE, isAlive: (pid) => pid === process.pid });
    await store.write("{}", undefined);
    expect((await readdir(dir)).sort()).toEqual([
      `.state.json.${process.pid}.0123456789ab.tmp`,
      "state.json",
    ]);
  });

  it("a guard left by a crashed taker does not block the next takeover", async () => {
    const dir = join(await tempRoot(), "p");
    const store = new LocalStateStore({ dir, planFile: PLAN_FILE, isAlive: (pid) => pid !== 424242 });
    await store.lock({ ...owner(424242), host: (await import("node:os")).hostname() }, 60_000);
    await writeFile(
      join(dir, "lock.json.takeover"),
      JSON.stringify({
        apiVersion: "eks-bluegreen/lock/v1",
        ...owner(424242, "guard", (await import("node:os")).hostname()),
        leaseUntil: new Date(Date.now() + 60_000).toISOString(),
      }),
    );
    const lease = await store.lock(owner(5), 60_000);
    expect(lease.tookOverFrom?.pid).toBe(424242);
    expect((await readdir(dir)).sort()).toEqual(["lock.json"]);
  });
});

describe("local store file-system failures", () => {
  const plan = (dir: string) =>
    buildPlan({ metadata: { name: "prod" }, state: { backend: "local", dir } }, "plans/prod.yaml");

  it("a file where the state folder belongs is exit 4 naming the folder, not a crash", async () => {
    const cwd = await tempRoot();
    await writeFile(join(cwd, "blocked"), "not a folder");
    const store = openStateStore(plan("blocked"), { cwd });
    const error = await store.write("{}", undefined).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "state-io", exitCode: 4 });
    expect((error as Error).message).toContain(join(cwd, "blocked", "prod"));
    expect((error as { hint: string }).hint).toMatch(/not a folder/);
  });

  it("a folder where state.json belongs is exit 4 on read", async () => {
    const cwd = await tempRoot();
    await mkdir(join(cwd, "s", "prod", "state.json"), { recursive: true });
    const store = openStateStore(plan("s"), { cwd });
    await expect(store.read()).rejects.toMatchObject({ code: "state-io", exitCode: 4 });
  });
});
