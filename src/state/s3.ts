/**
 * The S3 store, over ObjectStorePort: the state object at `key`, replaced with If-Match on its ETag
 * (created with If-None-Match: *), and the lock object at `<key>.lock`, created with If-None-Match: *,
 * renewed and taken over with If-Match, deleted (If-Match) when the tick ends. S3 decides every race:
 * of two conditional writes on one version, exactly one gets 200 and the other 412.
 *
 * Leases are compared with this machine's clock; keep runners' clocks in sync (NTP) and leases long
 * against any skew.
 */
import { hostname } from "node:os";
import { AwsError, LockedError, PreconditionFailedError } from "../errors.ts";
import type { ObjectStorePort } from "../aws/ports.ts";
import {
  CorruptLock,
  corruptLockError,
  lockBody,
  lockedError,
  lostLeaseError,
  parseLock,
  processAlive,
  staleReason,
} from "./lock-info.ts";
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
  }

  private get lockLocation(): string {
    return `${this.location}.lock`;
  }

  async read(): Promise<StoredState | undefined> {
    const object = await this.objects.get(this.key);
    return object === undefined ? undefined : { text: object.body, version: object.etag };
  }

  async write(text: string, expectedVersion: string | undefined): Promise<string> {
    try {
      return await this.objects.put(
        this.key,
        text,
        expectedVersion === undefined ? { ifNoneMatch: "*" } : { ifMatch: expectedVersion },
      );
    } catch (error) {
      if (lostRace(error, expectedVersion !== undefined)) throw new PreconditionFailedError(this.location);
      throw error;
    }
  }

  async readLock(): Promise<LockInfo | undefined> {
    const object = await this.objects.get(this.lockKey);
    if (object === undefined) return undefined;
    const parsed = parseLock(object.body);
    if (parsed instanceof CorruptLock) throw corruptLockError(parsed, this.lockLocation, this.planFile);
    return parsed;
  }

  async lock(owner: LockOwner, leaseMs: number): Promise<Lease> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const { info, text } = lockBody(owner, new Date(this.now().getTime() + leaseMs));
      try {
        const etag = await this.objects.put(this.lockKey, text, { ifNoneMatch: "*" });
        return { owner: info, token: etag };
      } catch (error) {
        if (!lostRace(error)) throw error;
      }
      const existing = await this.objects.get(this.lockKey);
      if (existing === undefined) continue; // released between our put and our get
      const held = parseLock(existing.body);
      if (held instanceof CorruptLock) throw corruptLockError(held, this.lockLocation, this.planFile);
      if (!staleReason(held, this.now(), this.isAlive, this.host)) {
        throw lockedError(held, this.lockLocation, this.planFile);
      }
      try {
        const etag = await this.objects.put(this.lockKey, text, { ifMatch: existing.etag });
        return { owner: info, token: etag, tookOverFrom: held };
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
    const { info, text } = lockBody(lease.owner, new Date(this.now().getTime() + leaseMs));
    try {
      const etag = await this.objects.put(this.lockKey, text, { ifMatch: lease.token });
      return { ...lease, owner: info, token: etag };
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
    // Read first: a store whose DeleteObject ignores If-Match must still never delete another run's lock.
    const current = await this.objects.get(this.lockKey);
    if (current === undefined || !sameEtag(current.etag, lease.token)) return;
    try {
      await this.objects.delete(this.lockKey, { ifMatch: current.etag });
    } catch (error) {
      if (!lostRace(error, true)) throw error;
    }
  }

  async forceUnlock(): Promise<LockInfo | undefined> {
    const current = await this.objects.get(this.lockKey);
    if (current === undefined) return undefined;
    await this.objects.delete(this.lockKey);
    const parsed = parseLock(current.body);
    return parsed instanceof CorruptLock ? undefined : parsed;
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
