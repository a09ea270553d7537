/**
 * The local store: `<state.dir>/<plan name>/state.json` and `lock.json`, directory 0700, files 0600.
 *
 * The lock is created exclusively (link of a complete, synced temp file; fails like `wx` if one exists).
 * Every change to an existing lock (takeover, renew, release) happens under a short-lived guard file
 * `lock.json.takeover`, so two runs that both find a stale lock cannot both take it, and a late release
 * cannot delete a lock that was taken over meanwhile. The lock file itself is replaced by rename, so it
 * never disappears while a run holds it.
 */
import { chmod, mkdir, rename, rm, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import type { Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative } from "node:path";
import { LockedError, PreconditionFailedError } from "../errors.ts";
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
import {
  DIR_MODE,
  createExclusive,
  readTextIfExists,
  removeIfUnchanged,
  replaceAtomically,
  sha256,
  sweepTempFiles,
  syncDir,
  tempPath,
  writeNewSynced,
} from "./fs-durable.ts";
import type { Lease, LockInfo, LockOwner, OtherUpgrade, StateStore, StoredState } from "./store.ts";

export interface LocalStoreOptions {
  /** The plan's own folder, e.g. `/repo/.eks-bluegreen/prod`. */
  dir: string;
  /** The plan file as given on the command line, for hints (`eks-bluegreen unlock <plan> --force`). */
  planFile: string;
  /** For messages: paths are shown relative to it. */
  cwd?: string;
  now?: () => Date;
  /** Tests replace these to stage a dead owner or another host. */
  isAlive?: (pid: number) => boolean;
  host?: string;
}

/** A guard older than this is left over from a crash (a takeover holds it for milliseconds). */
const GUARD_STALE_MS = 10_000;
const GUARD_WAIT_MS = 3_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class LocalStateStore implements StateStore {
  readonly location: string;
  private readonly dir: string;
  private readonly statePath: string;
  private readonly lockPath: string;
  private readonly guardPath: string;
  private readonly writeGuardPath: string;
  private readonly planFile: string;
  private readonly now: () => Date;
  private readonly isAlive: (pid: number) => boolean;
  private readonly host: string;
  private readonly cwd: string | undefined;
  private dirReady = false;

  constructor(options: LocalStoreOptions) {
    this.dir = options.dir;
    this.statePath = join(this.dir, "state.json");
    this.lockPath = join(this.dir, "lock.json");
    this.guardPath = join(this.dir, "lock.json.takeover");
    this.writeGuardPath = join(this.dir, "state.json.writing");
    this.planFile = options.planFile;
    this.now = options.now ?? (() => new Date());
    this.isAlive = options.isAlive ?? processAlive;
    this.host = options.host ?? hostname();
    this.cwd = options.cwd;
    const shown = options.cwd ? relative(options.cwd, this.statePath) : this.statePath;
    this.location = `file ${shown.startsWith("..") || isAbsolute(shown) ? this.statePath : shown}`;
  }

  private get lockLocation(): string {
    return this.location.replace(/state\.json$/, "lock.json");
  }

  private async ensureDir(): Promise<void> {
    if (this.dirReady) return;
    await mkdir(this.dir, { recursive: true, mode: DIR_MODE });
    // mkdir's mode does not apply to a folder that already existed; the state is the user's alone.
    await chmod(this.dir, DIR_MODE);
    await sweepTempFiles(this.dir, this.isAlive);
    this.dirReady = true;
  }

  // ------------------------------------------------------------------ state

  async read(): Promise<StoredState | undefined> {
    const text = await readTextIfExists(this.statePath);
    return text === undefined ? undefined : { text, version: sha256(text) };
  }

  async write(text: string, expectedVersion: string | undefined): Promise<string> {
    await this.ensureDir();
    if (expectedVersion === undefined) {
      if (!(await createExclusive(this.dir, this.statePath, "state.json", text))) {
        throw new PreconditionFailedError(this.statePath);
      }
      return sha256(text);
    }
    const temp = tempPath(this.dir, "state.json");
    try {
      await writeNewSynced(temp, text);
      // Compare and rename under the write guard, so two writers at one version cannot both win.
      await this.withGuard(this.writeGuardPath, async () => {
        const current = await this.read();
        if (current?.version !== expectedVersion) throw new PreconditionFailedError(this.statePath);
        await rename(temp, this.statePath);
        await syncDir(this.dir);
      });
    } finally {
      await rm(temp, { force: true });
    }
    return sha256(text);
  }

  // ------------------------------------------------------------------ lock

  async readLock(): Promise<LockInfo | undefined> {
    const text = await readTextIfExists(this.lockPath);
    if (text === undefined) return undefined;
    const parsed = parseLock(text);
    if (parsed instanceof CorruptLock) throw corruptLockError(parsed, this.lockLocation, this.planFile);
    return parsed;
  }

  async lock(owner: LockOwner, leaseMs: number): Promise<Lease> {
    await this.ensureDir();
    for (let attempt = 0; attempt < 20; attempt++) {
      const { info, text } = lockBody(owner, new Date(this.now().getTime() + leaseMs));
      if (await createExclusive(this.dir, this.lockPath, "lock.json", text)) {
        return { owner: info, token: sha256(text) };
      }
      const existing = await readTextIfExists(this.lockPath);
      if (existing === undefined) continue; // released between our attempt and our read
      const held = parseLock(existing);
      if (held instanceof CorruptLock) throw corruptLockError(held, this.lockLocation, this.planFile);
      if (!staleReason(held, this.now(), this.isAlive, this.host)) {
        throw lockedError(held, this.lockLocation, this.planFile);
      }
      const taken = await this.withGuard(this.guardPath, async () => {
        if ((await readTextIfExists(this.lockPath)) !== existing) return false;
        await replaceAtomically(this.dir, this.lockPath, "lock.json", text);
        return true;
      });
      if (taken) return { owner: info, token: sha256(text), tookOverFrom: held };
      // Someone else changed the lock first: look at it again.
    }
    throw new LockedError(
      `Could not take the lock ${this.lockLocation}: it kept changing under this run.`,
      "Another run is starting at the same moment; try again in a few seconds.",
    );
  }

  async renew(lease: Lease, leaseMs: number): Promise<Lease> {
    await this.ensureDir();
    return this.withGuard(this.guardPath, async () => {
      const current = await readTextIfExists(this.lockPath);
      if (current === undefined || sha256(current) !== lease.token) {
        const now = current === undefined ? undefined : parseLock(current);
        throw lostLeaseError(this.lockLocation, this.planFile, now instanceof CorruptLock ? undefined : now);
      }
      const { info, text } = lockBody(lease.owner, new Date(this.now().getTime() + leaseMs));
      await replaceAtomically(this.dir, this.lockPath, "lock.json", text);
      return { ...lease, owner: info, token: sha256(text) };
    });
  }

  async unlock(lease: Lease): Promise<void> {
    await this.ensureDir();
    await this.withGuard(this.guardPath, async () => {
      const current = await readTextIfExists(this.lockPath);
      if (current === undefined || sha256(current) !== lease.token) return;
      await unlink(this.lockPath);
      await syncDir(this.dir);
    });
  }

  async forceUnlock(): Promise<LockInfo | undefined> {
    const text = await readTextIfExists(this.lockPath);
    if (text === undefined) return undefined;
    await rm(this.lockPath, { force: true });
    await syncDir(this.dir);
    const parsed = parseLock(text);
    return parsed instanceof CorruptLock ? undefined : parsed;
  }

  /** Runs `fn` while holding a guard file; waits briefly for another holder, removes a crashed one's. */
  private async withGuard<T>(guardPath: string, fn: () => Promise<T>): Promise<T> {
    const base = basename(guardPath);
    const deadline = Date.now() + GUARD_WAIT_MS;
    const { text } = lockBody(
      { host: this.host, pid: process.pid, startedAt: this.now().toISOString(), command: "guard" },
      new Date(this.now().getTime() + GUARD_STALE_MS),
    );
    for (;;) {
      if (await createExclusive(this.dir, guardPath, base, text)) break;
      const other = await readTextIfExists(guardPath);
      if (other !== undefined && this.guardIsStale(other)) {
        await removeIfUnchanged(this.dir, guardPath, base, other);
        continue;
      }
      if (Date.now() > deadline) {
        throw new LockedError(
          `The ${guardPath === this.guardPath ? "lock" : "state"} in ${this.dir} is being changed by another run (guard ${base}).`,
          "Try again in a few seconds.",
        );
      }
      await sleep(5 + Math.random() * 20);
    }
    try {
      return await fn();
    } finally {
      await removeIfUnchanged(this.dir, guardPath, base, text);
    }
  }

  private guardIsStale(text: string): boolean {
    const guard = parseLock(text);
    // A torn guard cannot occur (it is linked in complete), but an unreadable one must not block forever.
    if (guard instanceof CorruptLock) return true;
    return staleReason(guard, this.now(), this.isAlive, this.host) !== undefined;
  }

  // ------------------------------------------------------------------ other upgrades

  /** `<state.dir>/<other plan>/state.json` except this plan's own; a folder that cannot be read is reported, not thrown. */
  async others(): Promise<OtherUpgrade[]> {
    const parent = dirname(this.dir);
    let entries: Dirent[];
    try {
      entries = await readdir(parent, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      return [{ location: `folder ${parent}`, error: (error as Error).message }];
    }
    const found: OtherUpgrade[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name === basename(this.dir)) continue;
      const path = join(parent, entry.name, "state.json");
      const location = `file ${this.shown(path)}`;
      try {
        const text = await readTextIfExists(path);
        if (text !== undefined) found.push({ location, text });
      } catch (error) {
        found.push({ location, error: (error as Error).message });
      }
    }
    return found;
  }

  private shown(path: string): string {
    const shown = this.cwd ? relative(this.cwd, path) : path;
    return shown.startsWith("..") || isAbsolute(shown) ? path : shown;
  }
}
