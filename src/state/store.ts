/**
 * Where an upgrade's state document and its lock live. The store moves bytes and guards them; what the
 * document means (phases, events, versions) belongs to the engine. Two implementations: a local
 * directory (default) and S3 with conditional writes, so CI runners can share one upgrade.
 */

/** Who holds a lock. */
export interface LockOwner {
  host: string;
  pid: number;
  /** ISO time the holder started */
  startedAt: string;
  /** e.g. "advance", "run", "approve" */
  command: string;
}

export interface LockInfo extends LockOwner {
  /** ISO time after which the lock may be taken over */
  leaseUntil: string;
}

export interface Lease {
  owner: LockInfo;
  /** The stale lock this lease replaced, when one was taken over (log it). */
  tookOverFrom?: LockInfo;
  /** Store-specific token (S3 ETag of the lock object, local file content hash). */
  token: string;
}

export interface StoredState {
  text: string;
  /** Opaque version token (S3 ETag, or a hash of the local file): pass it back to `write`. */
  version: string;
}

/** Another upgrade's state document beside this one (or why it could not be read; such a one is skipped). */
export type OtherUpgrade = { location: string; text: string } | { location: string; error: string };

export interface StateStore {
  /** Where it lives, for messages: "file .eks-bluegreen/prod/state.json" or "s3://bucket/key". */
  readonly location: string;
  /**
   * Takes the lock for one tick. A lock whose lease has run out, or whose owner on this host is no longer
   * alive, is taken over (reported in `tookOverFrom`); otherwise throws LockedError (exit 5) naming the
   * holder and how to remove a stale lock.
   */
  lock(owner: LockOwner, leaseMs: number): Promise<Lease>;
  /** Extends a held lease (for a tick that waits on Route 53). Throws LockedError if it was lost. */
  renew(lease: Lease, leaseMs: number): Promise<Lease>;
  /** Releases a held lease; never removes someone else's lock. */
  unlock(lease: Lease): Promise<void>;
  /** Removes whatever lock exists (`unlock --force`); returns who held it. */
  forceUnlock(): Promise<LockInfo | undefined>;
  /** The current lock, if any (for `status`). */
  readLock(): Promise<LockInfo | undefined>;
  /** The state document, or undefined when no upgrade has started. */
  read(): Promise<StoredState | undefined>;
  /**
   * Replaces the document atomically if it is still at `expectedVersion`; `undefined` means create and
   * fails if one exists. Throws PreconditionFailedError on a lost race. Returns the new version.
   */
  write(text: string, expectedVersion: string | undefined): Promise<string>;
  /**
   * The state documents of the other upgrades beside this one: the sibling folders of the local state
   * dir (`<state.dir>/<other plan>/state.json`), or the S3 objects under the state key's prefix. Lenient: one that
   * cannot be read is returned with its error, never thrown.
   */
  others(): Promise<OtherUpgrade[]>;
}
