/** `StateStore.others()`: the other upgrades' states beside this one, local and S3 (issue 10, H2). */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LocalStateStore } from "../../src/state/local.ts";
import { S3StateStore } from "../../src/state/s3.ts";
import { siblingPattern } from "../../src/state/siblings.ts";
import { FakeObjectStore } from "./fake-objects.ts";
import { PLAN_FILE } from "./contract.ts";

let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

describe("local others()", () => {
  it("returns each sibling folder's state.json (damaged ones as text, for the engine to skip), never its own", async () => {
    root = await mkdtemp(join(tmpdir(), "ebg-others-"));
    const dir = join(root, ".eks-bluegreen");
    for (const name of ["mine", "first", "torn", "empty"]) await mkdir(join(dir, name), { recursive: true });
    await writeFile(join(dir, "mine", "state.json"), '{"mine":true}');
    await writeFile(join(dir, "first", "state.json"), '{"first":true}');
    await writeFile(join(dir, "torn", "state.json"), "{ torn");
    await writeFile(join(dir, "stray.json"), "{}");
    const store = new LocalStateStore({ dir: join(dir, "mine"), planFile: PLAN_FILE, cwd: root });
    const found = await store.others();
    expect(found).toEqual(
      expect.arrayContaining([
        { location: "file .eks-bluegreen/first/state.json", text: '{"first":true}' },
        { location: "file .eks-bluegreen/torn/state.json", text: "{ torn" },
      ]),
    );
    expect(found).toHaveLength(2);
  });

  it("finds nothing when the state dir does not exist yet", async () => {
    root = await mkdtemp(join(tmpdir(), "ebg-others-"));
    const store = new LocalStateStore({ dir: join(root, "none", "mine"), planFile: PLAN_FILE });
    expect(await store.others()).toEqual([]);
  });
});

describe("S3 others()", () => {
  it("per-plan folders: lists <prefix>/<other>/state.json, not locks, not its own, not deeper keys", async () => {
    const objects = new FakeObjectStore();
    for (const key of [
      "upgrades/mine/state.json",
      "upgrades/first/state.json",
      "upgrades/first/state.json.lock",
      "upgrades/deep/er/state.json",
      "elsewhere/x/state.json",
    ])
      await objects.put(key, `{"key":"${key}"}`, undefined);
    const store = new S3StateStore({
      objects,
      bucket: "b",
      key: "upgrades/mine/state.json",
      planFile: PLAN_FILE,
    });
    expect(await store.others()).toEqual([
      { location: "s3://b/upgrades/first/state.json", text: '{"key":"upgrades/first/state.json"}' },
    ]);
  });

  it("flat keys: lists the other objects directly under the key's folder", async () => {
    const objects = new FakeObjectStore();
    for (const key of [
      "upgrades/shop.json",
      "upgrades/cart.json",
      "upgrades/cart.json.lock",
      "upgrades/a/b.json",
    ])
      await objects.put(key, "{}", undefined);
    const store = new S3StateStore({ objects, bucket: "b", key: "upgrades/shop.json", planFile: PLAN_FILE });
    expect((await store.others()).map((o) => o.location)).toEqual(["s3://b/upgrades/cart.json"]);
  });

  it("an object that cannot be read is reported with its error, not thrown", async () => {
    const objects = new FakeObjectStore();
    await objects.put("p/other/state.json", "{}", undefined);
    const get = objects.get.bind(objects);
    objects.get = async (key: string) => {
      if (key === "p/other/state.json") throw new Error("AccessDenied");
      return get(key);
    };
    const store = new S3StateStore({ objects, bucket: "b", key: "p/mine/state.json", planFile: PLAN_FILE });
    expect(await store.others()).toEqual([{ location: "s3://b/p/other/state.json", error: "AccessDenied" }]);
  });

  it("siblingPattern: prefixes and IAM resources for both layouts", () => {
    expect(siblingPattern("upgrades/mine/state.json")).toMatchObject({
      prefix: "upgrades/",
      resource: "upgrades/*/state.json",
    });
    expect(siblingPattern("mine/state.json")).toMatchObject({ prefix: "", resource: "*/state.json" });
    expect(siblingPattern("upgrades/shop.json")).toMatchObject({
      prefix: "upgrades/",
      resource: "upgrades/*",
    });
    expect(siblingPattern("shop.json")).toMatchObject({ prefix: "", resource: "*" });
  });
});
