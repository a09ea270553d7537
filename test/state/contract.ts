/**
 * The StateStore contract, run against every store (local folder, S3 over a fake, the sandbox and moto).
 * Each test gets a fresh location; `open` returns a new store on it, as another process would have.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ExitCode, LockedError, PreconditionFailedError, type ToolError } from "../../src/errors.ts";
import type { Lease, LockOwner, StateStore } from "../../src/state/store.ts";

export interface OpenOptions {
  now?: () => Date;
  isAlive?: (pid: number) => boolean;
  host?: string;
  /** false: the store does not renew what it holds (a holder that died). */
  heartbeat?: boolean;
}

/** The clocks of one test: the runner's (passed to `open` as `now`) and the store's own (S3's). */
export interface TestTime {
  now: () => Date;
  /** Lets `ms` pass on both. */
  pass(ms: number): Promise<void>;
}

export interface StoreHarness {
  open(options?: OpenOptions): StateStore;
  /** Puts raw bytes where the lock lives (to stage a damaged lock). */
  writeRawLock(text: string): Promise<void>;
  /** Fresh clocks for a test; the default moves only the runner's (a local folder has no clock of its own). */
  time?(): TestTime;
}

export const PLAN_FILE = "plans/contract.yaml";
const T0 = Date.parse("2026-03-01T10:00:00Z");

export function owner(pid: number, command = "advance", host = "runner-a"): LockOwner {
  return { host, pid, startedAt: new Date(T0).toISOString(), command };
}

/** A clock the test moves by hand. */
export function manualClock(start = T0): { now: () => Date; advance(ms: number): void } {
  let t = start;
  return { now: () => new Date(t), advance: (ms) => void (t += ms) };
}

/** A lease of 1 s has run out on every store after this long (S3's clocks count whole seconds). */
const PAST_A_1S_LEASE = 3_100;

async function caught(promise: Promise<unknown>): Promise<ToolError> {
  try {
    await promise;
  } catch (error) {
    return error as ToolError;
  }
  throw new Error("expected a rejection");
}

export function describeStoreContract(name: string, setup: () => Promise<StoreHarness>, rounds = 5): void {
  describe(`StateStore contract: ${name}`, () => {
    let h: StoreHarness;
    let time: () => TestTime;
    beforeEach(async () => {
      h = await setup();
      time = () => {
        if (h.time) return h.time();
        const clock = manualClock();
        return { now: clock.now, pass: async (ms) => clock.advance(ms) };
      };
    });

    it("starts empty: no state, no lock", async () => {
      const store = h.open();
      expect(await store.read()).toBeUndefined();
      expect(await store.readLock()).toBeUndefined();
      expect(store.location.length).toBeGreaterThan(0);
    });

    it("creates, reads back, and replaces only at the expected version", async () => {
      const store = h.open();
      const v1 = await store.write('{"n":1}', undefined);
      expect(await store.read()).toEqual({ text: '{"n":1}', version: v1 });
      const v2 = await store.write('{"n":2}', v1);
      expect(v2).not.toBe(v1);
      expect((await h.open().read())?.text).toBe('{"n":2}');

      const stale = await caught(store.write('{"n":3}', v1));
      expect(stale).toBeInstanceOf(PreconditionFailedError);
      const again = await caught(store.write('{"n":3}', undefined));
      expect(again).toBeInstanceOf(PreconditionFailedError);
      expect(await store.read()).toEqual({ text: '{"n":2}', version: v2 });
    });

    it("replacing a state that does not exist fails", async () => {
      const error = await caught(h.open().write("{}", "some-version"));
      expect(error).toBeInstanceOf(PreconditionFailedError);
      expect(await h.open().read()).toBeUndefined();
    });

    it("of ten writers at one version exactly one wins", async () => {
      const base = await h.open().write('{"n":0}', undefined);
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => h.open().write(`{"writer":${i}}`, base)),
      );
      const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
      expect(won).toHaveLength(1);
      for (const r of results) {
        if (r.status === "rejected") expect(r.reason).toBeInstanceOf(PreconditionFailedError);
      }
      expect((await h.open().read())?.text).toBe(`{"writer":${won[0]}}`);
    });

    it("of ten creators exactly one wins", async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => h.open().write(`{"creator":${i}}`, undefined)),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    });

    it("a lock names its owner and lease; a second locker gets exit 5 naming the holder", async () => {
      const clock = manualClock();
      const store = h.open({ now: clock.now });
      const lease = await store.lock(owner(101, "run", "runner-a"), 60_000);
      expect(lease.owner).toMatchObject({ host: "runner-a", pid: 101, command: "run", leaseMs: 60_000 });
      expect(lease.owner.leaseUntil).toBe(new Date(T0 + 60_000).toISOString());
      expect(lease.tookOverFrom).toBeUndefined();
      expect(await h.open().readLock()).toEqual(lease.owner);

      const error = await caught(h.open({ now: clock.now }).lock(owner(202, "advance", "runner-b"), 60_000));
      expect(error).toBeInstanceOf(LockedError);
      expect(error.exitCode).toBe(ExitCode.Locked);
      for (const part of ["run", "runner-a", "101", lease.owner.startedAt, lease.owner.leaseUntil]) {
        expect(error.message).toContain(part);
      }
      expect(error.hint).toContain(`eks-bluegreen unlock ${PLAN_FILE} --force`);
    });

    it("unlock releases, and the next run locks", async () => {
      const store = h.open();
      const lease = await store.lock(owner(1), 60_000);
      await store.unlock(lease);
      expect(await store.readLock()).toBeUndefined();
      const next = await h.open().lock(owner(2), 60_000);
      expect(next.owner.pid).toBe(2);
    });

    it("a lock whose lease ran out is taken over and reported", async () => {
      const t = time();
      const first = await h
        .open({ now: t.now, heartbeat: false })
        .lock(owner(1, "advance", "runner-a"), 1_000);
      await t.pass(PAST_A_1S_LEASE);
      const second = await h.open({ now: t.now }).lock(owner(2, "advance", "runner-b"), 30_000);
      expect(second.tookOverFrom).toEqual(first.owner);
      expect(await h.open().readLock()).toEqual(second.owner);
    });

    it("a live holder renews on its own: its lock is not taken over after its lease", async () => {
      const t = time();
      const holder = h.open({ now: t.now });
      const lease = await holder.lock(owner(1, "run", "runner-a"), 1_000);
      await t.pass(PAST_A_1S_LEASE);
      // The holder's heartbeat (every third of the lease) rewrites the lock before anyone looks.
      const beats = () => (holder as unknown as { heartbeats: number }).heartbeats;
      const seen = beats();
      await vi.waitFor(() => expect(beats()).toBeGreaterThan(seen), { timeout: 3_000, interval: 20 });
      const error = await caught(h.open({ now: t.now }).lock(owner(2, "advance", "runner-b"), 30_000));
      expect(error).toBeInstanceOf(LockedError);
      await holder.unlock(lease);
      expect(await h.open().readLock()).toBeUndefined();
    });

    it("a lock whose owner on this host is dead is taken over; on another host it is not", async () => {
      const clock = manualClock();
      const dead = (pid: number) => pid !== 4242;
      await h.open({ now: clock.now }).lock(owner(4242, "run", "runner-a"), 600_000);

      const elsewhere = h.open({ now: clock.now, host: "runner-b", isAlive: dead });
      expect(await caught(elsewhere.lock(owner(7, "advance", "runner-b"), 60_000))).toBeInstanceOf(
        LockedError,
      );

      const here = h.open({ now: clock.now, host: "runner-a", isAlive: dead });
      const lease = await here.lock(owner(8, "advance", "runner-a"), 60_000);
      expect(lease.tookOverFrom?.pid).toBe(4242);
    });

    it("renew extends the lease; a lease that was taken over cannot renew or release", async () => {
      const t = time();
      const store = h.open({ now: t.now, heartbeat: false });
      const lease = await store.lock(owner(1), 10_000);
      await t.pass(500);
      const renewed = await store.renew(lease, 1_000);
      expect(renewed.owner.leaseMs).toBe(1_000);
      expect(renewed.token).not.toBe(lease.token);
      expect(await store.readLock()).toEqual(renewed.owner);
      // The lease's first token, on a store that did not take it, is out of date.
      expect(await caught(h.open().renew(lease, 10_000))).toBeInstanceOf(LockedError);

      await t.pass(PAST_A_1S_LEASE);
      const taker = await h.open({ now: t.now }).lock(owner(2, "advance", "runner-b"), 60_000);
      expect(taker.tookOverFrom?.pid).toBe(1);
      const lost = await caught(store.renew(renewed, 10_000));
      expect(lost).toBeInstanceOf(LockedError);
      expect(lost.message).toContain("runner-b");
      await store.unlock(renewed); // must not remove the taker's lock
      expect(await store.readLock()).toEqual(taker.owner);
    });

    it("forceUnlock removes any lock and says whose it was", async () => {
      const store = h.open();
      expect(await store.forceUnlock()).toBeUndefined();
      const lease = await store.lock(owner(31), 60_000);
      expect(await h.open().forceUnlock()).toEqual(lease.owner);
      expect(await store.readLock()).toBeUndefined();
    });

    it("forceUnlock refuses a holder alive on this host (exit 5), unless evenIfAlive", async () => {
      const lease = await h.open().lock(owner(77, "run", "runner-a"), 60_000);
      const here = h.open({ host: "runner-a", isAlive: (pid) => pid === 77 });
      const error = await caught(here.forceUnlock());
      expect(error).toBeInstanceOf(LockedError);
      expect(error.code).toBe("lock-holder-alive");
      expect(error.exitCode).toBe(ExitCode.Locked);
      expect(error.message).toMatch(/`run`, pid 77 on this host \(runner-a\).*is alive.*Nothing was removed/);
      expect(error.hint).toContain(`eks-bluegreen unlock ${PLAN_FILE} --force --even-if-alive`);
      expect(await here.readLock()).toEqual(lease.owner);
      // Dead on this host, or alive on another host (this host cannot tell): removed.
      expect(await h.open({ host: "runner-b", isAlive: () => true }).forceUnlock()).toEqual(lease.owner);
      const again = await h.open().lock(owner(78, "run", "runner-a"), 60_000);
      expect(await here.forceUnlock({ evenIfAlive: true })).toEqual(again.owner);
      expect(await here.readLock()).toBeUndefined();
    });

    it("a damaged lock is reported clearly, never taken over, and can be forced", async () => {
      await h.writeRawLock("{ not json");
      const store = h.open();
      const error = await caught(store.lock(owner(1), 60_000));
      expect(error).toBeInstanceOf(LockedError);
      expect(error.message).toMatch(/damaged: it is not JSON/);
      expect(error.hint).toContain(`eks-bluegreen unlock ${PLAN_FILE} --force`);
      expect(await caught(store.readLock())).toBeInstanceOf(LockedError);
      expect(await store.forceUnlock()).toBeUndefined();
      expect((await store.lock(owner(1), 60_000)).owner.pid).toBe(1);
    });

    it(`ten concurrent lockers: exactly one gets the lock, ${rounds} rounds`, async () => {
      for (let round = 0; round < rounds; round++) {
        const stores = Array.from({ length: 10 }, () => h.open());
        const results = await Promise.allSettled(stores.map((s, i) => s.lock(owner(1000 + i), 60_000)));
        const winners = results.flatMap((r, i) => (r.status === "fulfilled" ? [{ i, lease: r.value }] : []));
        expect(winners, `round ${round}`).toHaveLength(1);
        for (const r of results) {
          if (r.status === "rejected") expect((r.reason as ToolError).exitCode).toBe(ExitCode.Locked);
        }
        const { i, lease } = winners[0]!;
        expect(await h.open().readLock()).toEqual(lease.owner);
        await stores[i]!.unlock(lease);
      }
    });

    it("ten concurrent takers of one stale lock: exactly one takes it over", async () => {
      const t = time();
      const stale = await h.open({ now: t.now, heartbeat: false }).lock(owner(1), 1_000);
      await t.pass(PAST_A_1S_LEASE);
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => h.open({ now: t.now }).lock(owner(500 + i), 60_000)),
      );
      const winners = results.flatMap((r) => (r.status === "fulfilled" ? [r.value as Lease] : []));
      expect(winners).toHaveLength(1);
      expect(winners[0]!.tookOverFrom).toEqual(stale.owner);
      expect(await h.open().readLock()).toEqual(winners[0]!.owner);
    });
  });
}
