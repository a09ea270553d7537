/**
 * The S3 store, over ObjectStorePort: the state object at `key`, replaced with If-Match on its ETag
 * (created with If-None-Match: *), and the lock object at `<key>.lock`, created with If-None-Match: *,
 * renewed and taken over with If-Match, deleted (If-Match) when the tick ends. S3 decides every race:
 * of two conditional writes on one version, exactly one gets 200 and the other 412.
 *
 * Leases are judged by S3's clock alone (`s3LeaseExpired`): a lock may be taken over once the `Date` of
 * the response that read it is its `leaseMs` past the object's `LastModified`. No runner's clock enters,
 * so runners whose clocks disagree (by minutes or hours) never take a live lock from each other. A held
 * lock is rewritten every third of its lease (LeaseKeeper), which moves `LastModified`. The skew between
 * this machine and S3 is measured on every read, for `status` and `--debug`.
 */
import { hostname } from "node:os";
import { AwsError, LockedError, PreconditionFailedError } from "../errors.ts";
import type { ObjectStorePort, StoredObject } from "../engine/ports.ts";
import {
  CorruptLock,
  clockSkewMs,
  corruptLockError,
  holderAliveError,
  lockBody,
  lockedError,
  lostLeaseError,
  parseLock,
  processAlive,
  s3LeaseExpired,
  type LockSighting,
} from "./lock-info.ts";
import { LeaseKeeper } from "./lease-keeper.ts";
import { siblingPattern } from "./siblings.ts";
import type { Lease, LockInfo, LockOwner, OtherUpgrade, StateStore, StoredState } from "./store.ts";

export interface S3StoreOptions {
  objects: ObjectStorePort;
  bucket: string;
  key: string;
  planFile: string;
  now?: () => Date;
  isAlive?: (pid: number) => boolean;
  host?: string;
  /** Every lease is this long, whatever the caller asks (EKS_BLUEGREEN_LEASE_MS). */
  leaseMs?: number;
  /** false: held leases are not renewed on their own (tests stage a holder that died). */
  heartbeat?: boolean;
}

/**
 * A conditional write that lost: 412, or S3's 409 ConditionalRequestConflict for simultaneous ones. With
 * If-Match, an object deleted meanwhile answers 404 NoSuchKey instead (S3 and moto alike): lost as well.
 */
function lostRace(error: unknown, ifMatch = false): boolean {
  if (error instanceof PreconditionFailedError) return true;
  if (!(error instanceof AwsError)) return false;
  if (error.httpStatus === 409 || error.awsCode === "ConditionalRequestConflict") return true;
  return ifMatch && (error.httpStatus === 404 || error.awsCode === "NoSuchKey");
}

/** ETags compared without quotes: adapters and emulators differ in whether they keep them. */
function sameEtag(a: string, b: string): boolean {
  const bare = (etag: string) => etag.replace(/^W\//, "").replace(/^"|"$/g, "");
  return bare(a) === bare(b);
}

export class S3StateStore implements StateStore {
  readonly location: string;
  private readonly objects: ObjectStorePort;
  private readonly key: string;
  private readonly lockKey: string;
  private readonly planFile: string;
  private readonly now: () => Date;
  private readonly isAlive: (pid: number) => boolean;
  private readonly host: string;
  private readonly bucket: string;
  private readonly leaseOverride: number | undefined;
  private readonly keeper: LeaseKeeper;
  private skewMs: number | undefined;

  constructor(options: S3StoreOptions) {
    this.objects = options.objects;
    this.key = options.key;
    this.lockKey = `${options.key}.lock`;
    this.planFile = options.planFile;
    this.now = options.now ?? (() => new Date());
    this.isAlive = options.isAlive ?? processAlive;
    this.host = options.host ?? hostname();
    this.location = `s3://${options.bucket}/${options.key}`;
    this.bucket = options.bucket;
    this.leaseOverride = options.leaseMs;
    this.keeper = new LeaseKeeper(
      (token, owner, ms) => this.rewriteLock(token, owner, ms),
      options.heartbeat ?? true,
    );
  }

  clockSkewMs(): number | undefined {
    return this.skewMs;
  }

  /** Heartbeats done by this store (tests). */
  get heartbeats(): number {
    return this.keeper.beats;
  }

  private leaseFor(requested: number): number {
    return this.leaseOverride ?? requested;
  }

  /** The lock body for `leaseMs`; `leaseUntil` (for people) by S3's clock as last measured. */
  private body(owner: LockOwner, leaseMs: number): { info: LockInfo; text: string } {
    const s3Now = this.now().getTime() - (this.skewMs ?? 0);
    return lockBody(owner, new Date(s3Now + leaseMs), leaseMs);
  }

  /** Gets an object and notes S3's time against this machine's. */
  private async getSeen(key: string): Promise<{ object: StoredObject; seen: LockSighting } | undefined> {
    const object = await this.objects.get(key);
    const localNow = this.now();
    if (object?.date) this.skewMs = clockSkewMs(object.date, localNow);
    if (object === undefined) return undefined;
    return {
      object,
      seen: {
        localNow,
        ...(object.date ? { date: object.date } : {}),
        ...(object.lastModified ? { lastModified: object.lastModified } : {}),
      },
    };
  }

  private get lockLocation(): string {
    return `${this.location}.lock`;
  }

  async read(): Promise<StoredState | undefined> {
    const got = await this.getSeen(this.key);
    return got === undefined ? undefined : { text: got.object.body, version: got.object.etag };
  }

  async write(text: string, expectedVersion: string | undefined): Promise<string> {
    try {
      return await this.objects.put(
        this.key,
        text,
        expectedVersion === undefined ? { ifNoneMatch: "*" } : { ifMatch: expectedVersion },
      );
    } catch (error) {
      if (lostRace(error, expectedVersion !== undefined))
        throw new PreconditionFailedError(this.location, "s3");
      throw error;
    }
  }

  async readLock(): Promise<LockInfo | undefined> {
    const got = await this.getSeen(this.lockKey);
    if (got === undefined) return undefined;
    const parsed = parseLock(got.object.body);
    if (parsed instanceof CorruptLock) throw corruptLockError(parsed, this.lockLocation, this.planFile);
    return parsed;
  }

  async lock(owner: LockOwner, requestedMs: number): Promise<Lease> {
    const leaseMs = this.leaseFor(requestedMs);
    for (let attempt = 0; attempt < 10; attempt++) {
      const { info, text } = this.body(owner, leaseMs);
      try {
        const etag = await this.objects.put(this.lockKey, text, { ifNoneMatch: "*" });
        return this.keeper.start({ owner: info, token: etag }, leaseMs);
      } catch (error) {
        if (!lostRace(error)) throw error;
      }
      const got = await this.getSeen(this.lockKey);
      if (got === undefined) continue; // released between our put and our get
      const { object: existing, seen } = got;
      const held = parseLock(existing.body);
      if (held instanceof CorruptLock) throw corruptLockError(held, this.lockLocation, this.planFile);
      const judgement = s3LeaseExpired(held, seen);
      const ownerDead = held.host === this.host && !this.isAlive(held.pid);
      if (!judgement.expired && !ownerDead) {
        throw lockedError(held, this.lockLocation, this.planFile, judgement);
      }
      const fresh = this.body(owner, leaseMs);
      try {
        const etag = await this.objects.put(this.lockKey, fresh.text, { ifMatch: existing.etag });
        return this.keeper.start({ owner: fresh.info, token: etag, tookOverFrom: held }, leaseMs);
      } catch (error) {
        if (!lostRace(error, true)) throw error;
        // Another run took it over (or it was released) first: look again.
      }
    }
    throw new LockedError(
      `Could not take the lock ${this.lockLocation}: it kept changing under this run.`,
      "Another run is starting at the same moment; try again in a few seconds.",
    );
  }

  async renew(lease: Lease, leaseMs: number): Promise<Lease> {
    return this.keeper.renew(lease, this.leaseFor(leaseMs));
  }

  /** Rewrites the lock if it still carries `token` (a new `LastModified`); LockedError if it was lost. */
  private async rewriteLock(
    token: string,
    owner: LockInfo,
    leaseMs: number,
  ): Promise<Pick<Lease, "token" | "owner">> {
    const { info, text } = this.body(owner, leaseMs);
    try {
      const etag = await this.objects.put(this.lockKey, text, { ifMatch: token });
      return { owner: info, token: etag };
    } catch (error) {
      if (!lostRace(error, true)) throw error;
      const now = await this.objects.get(this.lockKey);
      const holder = now === undefined ? undefined : parseLock(now.body);
      throw lostLeaseError(
        this.lockLocation,
        this.planFile,
        holder instanceof CorruptLock ? undefined : holder,
      );
    }
  }

  async unlock(lease: Lease): Promise<void> {
    const token = await this.keeper.release(lease);
    // Read first: a store whose DeleteObject ignores If-Match must still never delete another run's lock.
    const current = await this.objects.get(this.lockKey);
    if (current === undefined || !sameEtag(current.etag, token)) return;
    try {
      await this.objects.delete(this.lockKey, { ifMatch: current.etag });
    } catch (error) {
      if (!lostRace(error, true)) throw error;
    }
  }

  async forceUnlock(options: { evenIfAlive?: boolean } = {}): Promise<LockInfo | undefined> {
    const current = await this.objects.get(this.lockKey);
    if (current === undefined) return undefined;
    const parsed = parseLock(current.body);
    const holder = parsed instanceof CorruptLock ? undefined : parsed;
    if (holder && holder.host === this.host && this.isAlive(holder.pid) && !options.evenIfAlive) {
      throw holderAliveError(holder, this.lockLocation, this.planFile);
    }
    try {
      // Only the lock that was judged: a holder renewing meanwhile is alive and working.
      await this.objects.delete(this.lockKey, { ifMatch: current.etag });
    } catch (error) {
      if (!lostRace(error, true)) throw error;
      if (error instanceof AwsError && error.httpStatus === 404) return holder; // gone meanwhile
      throw new LockedError(
        `The lock ${this.lockLocation} changed while it was being removed: its holder renewed it, so it is still working. Nothing was removed.`,
        `Run \`eks-bluegreen status ${this.planFile}\` to see who holds it, and try again once that run has ended.`,
      );
    }
    return holder;
  }

  // ------------------------------------------------------------------ other upgrades

  /**
   * Other upgrades' states under this key's prefix. A key `<p>/<name>/state.json` (one folder per plan)
   * looks at `<p>/<other>/state.json`; any other key `<p>/<file>` looks at the other objects directly under
   * `<p>/` (lock objects left out). An object that cannot be read is reported, not thrown.
   */
  async others(): Promise<OtherUpgrade[]> {
    const { prefix, matches } = siblingPattern(this.key);
    const keys = (await this.objects.list(prefix)).filter((k) => k !== this.key && matches(k));
    const found: OtherUpgrade[] = [];
    for (const key of keys) {
      const location = `s3://${this.bucket}/${key}`;
      try {
        const object = await this.objects.get(key);
        if (object !== undefined) found.push({ location, text: object.body });
      } catch (error) {
        found.push({ location, error: (error as Error).message });
      }
    }
    return found;
  }
}
