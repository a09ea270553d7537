import { describe, expect, it } from "vitest";
import { LockedError } from "../../src/errors.ts";
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

describe("S3 leases are judged by S3's clock, never the runner's", () => {
  const HOUR = 3_600_000;
  /** S3's clock and one runner's, each moved by hand; `offset` is how far the runner's is off. */
  function world(offsetMs: number) {
    let s3 = Date.parse("2026-03-01T10:00:00Z");
    const objects = new FakeObjectStore(() => s3);
    const open = (runnerOffset: number, o: { heartbeat?: boolean } = {}) =>
      new S3StateStore({
        objects,
        bucket: "b",
        key: "k",
        planFile: PLAN_FILE,
        now: () => new Date(s3 + runnerOffset),
        ...o,
      });
    return { objects, open, pass: (ms: number) => void (s3 += ms), offsetMs };
  }

  it.each([
    ["an hour ahead", HOUR],
    ["an hour behind", -HOUR],
  ])("a runner %s does not take a live lease (S3 says it was renewed 10 s ago)", async (_, offset) => {
    const w = world(offset);
    const holder = await w.open(0, { heartbeat: false }).lock(owner(1, "advance", "runner-a"), 60_000);
    w.pass(10_000);
    const skewed = w.open(offset);
    const error = await skewed.lock(owner(2, "advance", "runner-b"), 60_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockedError);
    expect((error as LockedError).message).toMatch(
      /by S3's clock it was renewed 9 s ago and its lease is 60 s/,
    );
    expect(await skewed.readLock()).toEqual(holder.owner);
    // The skew was measured on the way: this runner's clock against S3's Date header.
    expect(Math.round(skewed.clockSkewMs()! / 1000)).toBe(offset / 1000);
  });

  it("a lease S3 says ran out is taken over, even by a runner whose clock says it has not", async () => {
    const w = world(-HOUR);
    const stale = await w.open(0, { heartbeat: false }).lock(owner(1, "advance", "runner-a"), 60_000);
    w.pass(62_000); // LastModified + 60 s lease + 1 s for whole seconds, and a second more
    const behind = w.open(-HOUR);
    // By the runner's own clock the written lease has 58 minutes left.
    const runnerNow = Date.parse("2026-03-01T10:00:00Z") + 62_000 - HOUR;
    expect(Date.parse(stale.owner.leaseUntil) - runnerNow).toBeGreaterThan(50 * 60_000);
    const lease = await behind.lock(owner(2, "advance", "runner-b"), 60_000);
    expect(lease.tookOverFrom).toEqual(stale.owner);
  });

  it("a renewal moves LastModified: the lease counts again from it", async () => {
    const w = world(HOUR);
    const store = w.open(0, { heartbeat: false });
    const lease = await store.lock(owner(1, "run", "runner-a"), 10_000);
    w.pass(9_000);
    await store.renew(lease, 10_000);
    w.pass(9_000); // 18 s after the lock was taken, 9 s after its renewal
    await expect(w.open(HOUR).lock(owner(2, "advance", "runner-b"), 10_000)).rejects.toBeInstanceOf(
      LockedError,
    );
    w.pass(3_000);
    expect((await w.open(HOUR).lock(owner(2, "advance", "runner-b"), 10_000)).tookOverFrom?.pid).toBe(1);
  });

  it("LastModified and Date count whole seconds: a lease is never judged over early", async () => {
    const w = world(0);
    w.pass(999); // written at 10:00:00.999; LastModified says 10:00:00
    await w.open(0, { heartbeat: false }).lock(owner(1), 2_000);
    w.pass(2_000); // 10:00:02.999, exactly 2 s later: Date says 10:00:02, the lease is not over
    await expect(w.open(0).lock(owner(2), 2_000)).rejects.toBeInstanceOf(LockedError);
    w.pass(1); // 10:00:03.000: 2.001 s after the write
    expect((await w.open(0).lock(owner(2), 2_000)).tookOverFrom?.pid).toBe(1);
  });

  it("a lock written at the start of a second is judged up to 1 s late, not early", async () => {
    const w = world(0);
    await w.open(0, { heartbeat: false }).lock(owner(1), 2_000); // 10:00:00.000
    w.pass(2_999); // truly 2.999 s, but S3 cannot tell it from 2.0 s
    await expect(w.open(0).lock(owner(2), 2_000)).rejects.toBeInstanceOf(LockedError);
    w.pass(1);
    expect((await w.open(0).lock(owner(2), 2_000)).tookOverFrom?.pid).toBe(1);
  });
});
