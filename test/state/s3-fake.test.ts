import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { S3StateStore } from "../../src/state/s3.ts";
import { FakeObjectStore } from "./fake-objects.ts";
import { describeStoreContract, manualClock, owner, PLAN_FILE } from "./contract.ts";

describeStoreContract("S3 over an in-memory ObjectStorePort", async () => {
  let s3Time = Date.now();
  const objects = new FakeObjectStore(() => s3Time);
  const key = `upgrades/${randomUUID()}/state.json`;
  return {
    open: (o = {}) => new S3StateStore({ objects, bucket: "state-bucket", key, planFile: PLAN_FILE, ...o }),
    writeRawLock: async (text) => void (await objects.put(`${key}.lock`, text, undefined)),
    time: () => {
      const runner = manualClock();
      return {
        now: runner.now,
        pass: async (ms) => {
          runner.advance(ms);
          s3Time += ms;
        },
      };
    },
  };
});

describe("S3 store specifics", () => {
  it("keeps the state at `key` and the lock at `<key>.lock`, and removes the lock object on unlock", async () => {
    const objects = new FakeObjectStore();
    const store = new S3StateStore({ objects, bucket: "b", key: "prod/state.json", planFile: PLAN_FILE });
    expect(store.location).toBe("s3://b/prod/state.json");
    await store.write("{}", undefined);
    const lease = await store.lock(owner(1), 60_000);
    expect([...objects.objects.keys()].sort()).toEqual(["prod/state.json", "prod/state.json.lock"]);
    expect(JSON.parse(objects.objects.get("prod/state.json.lock")!.body)).toMatchObject({
      apiVersion: "eks-bluegreen/lock/v1",
      ...lease.owner,
    });
    await store.unlock(lease);
    expect([...objects.objects.keys()]).toEqual(["prod/state.json"]);
  });

  it("matches ETags with or without quotes when releasing", async () => {
    const objects = new FakeObjectStore();
    const store = new S3StateStore({ objects, bucket: "b", key: "k", planFile: PLAN_FILE });
    const lease = await store.lock(owner(1), 60_000);
    await store.unlock({ ...lease, token: lease.token.replace(/"/g, "") });
    expect(objects.objects.has("k.lock")).toBe(false);
  });
});
