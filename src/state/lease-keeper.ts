/**
 * Keeps a held lock alive while its tick works: the lock is rewritten every third of its lease (on S3 that
 * moves the object's `LastModified`, which is what other runs judge the lease by), so a tick that waits
 * longer than its lease (Route 53's INSYNC, blue's retirement) is never taken for dead. Both stores use it.
 *
 * Every rewrite of one lease (heartbeat, `renew`, the release) runs in order, each with the token the
 * previous one left, so the lease a caller holds stays valid even after heartbeats changed the token.
 * Timers are unref'd: a heartbeat never keeps the process alive. A heartbeat that finds the lock gone or
 * changed stops; the next `renew` reports the loss (the state's own conditional write guards the rest).
 */
import { LockedError } from "../errors.ts";
import type { Lease, LockInfo } from "./store.ts";

/** Rewrites the lock if it still carries `token`; throws LockedError when it does not (the lease is lost). */
export type Rewrite = (
  token: string,
  owner: LockInfo,
  leaseMs: number,
) => Promise<Pick<Lease, "token" | "owner">>;

interface Held {
  token: string;
  owner: LockInfo;
  leaseMs: number;
  timer?: NodeJS.Timeout;
  /** The last rewrite in flight (or done); the next one waits for it. */
  chain: Promise<unknown>;
  lost?: LockedError;
  released: boolean;
}

/** Shortest heartbeat period: leases are at least 1 s (EKS_BLUEGREEN_LEASE_MS). */
const MIN_BEAT_MS = 250;

export class LeaseKeeper {
  private readonly held = new WeakMap<Lease, Held>();
  /** Heartbeats that rewrote the lock (tests). */
  beats = 0;

  constructor(
    private readonly rewrite: Rewrite,
    /** false: no heartbeat (a test's stand-in for a holder that died); `renew` still works. */
    private readonly heartbeat = true,
  ) {}

  /** Starts keeping a lease the store just took. */
  start(lease: Lease, leaseMs: number): Lease {
    const held: Held = {
      token: lease.token,
      owner: lease.owner,
      leaseMs,
      chain: Promise.resolve(),
      released: false,
    };
    this.held.set(lease, held);
    this.schedule(held);
    return lease;
  }

  /** Extends the lease now (to `leaseMs` from now); throws LockedError when it was lost. */
  async renew(lease: Lease, leaseMs: number): Promise<Lease> {
    const held = this.held.get(lease);
    if (!held) {
      // A lease this store did not take (another store object on the same lock): one rewrite of its token.
      return { ...lease, ...(await this.rewrite(lease.token, lease.owner, leaseMs)) };
    }
    await this.serially(held, async () => {
      if (held.lost) throw held.lost;
      held.leaseMs = leaseMs;
      await this.rewriteHeld(held);
    });
    if (held.lost) throw held.lost;
    this.schedule(held);
    const next: Lease = { ...lease, token: held.token, owner: held.owner };
    this.held.set(next, held);
    return next;
  }

  /** Stops the heartbeat; returns the token the lock carries now (for the release). */
  async release(lease: Lease): Promise<string> {
    const held = this.held.get(lease);
    if (!held) return lease.token;
    held.released = true;
    clearTimeout(held.timer);
    await held.chain;
    return held.token;
  }

  private schedule(held: Held): void {
    clearTimeout(held.timer);
    if (held.released || held.lost || !this.heartbeat) return;
    held.timer = setTimeout(() => void this.beat(held), Math.max(MIN_BEAT_MS, Math.floor(held.leaseMs / 3)));
    held.timer.unref();
  }

  private async beat(held: Held): Promise<void> {
    await this.serially(held, async () => {
      if (held.released || held.lost) return;
      await this.rewriteHeld(held)
        .then(() => void (this.beats += 1))
        .catch(() => {
          // A failed call (network, throttling) is tried again at the next beat; a loss is kept in `lost`.
        });
    });
    this.schedule(held);
  }

  private async rewriteHeld(held: Held): Promise<void> {
    try {
      const next = await this.rewrite(held.token, held.owner, held.leaseMs);
      held.token = next.token;
      held.owner = next.owner;
    } catch (error) {
      if (error instanceof LockedError) held.lost = error;
      throw error;
    }
  }

  private serially(held: Held, fn: () => Promise<void>): Promise<void> {
    const run = held.chain.then(fn);
    held.chain = run.catch(() => {});
    return run;
  }
}
