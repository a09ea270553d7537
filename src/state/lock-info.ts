/**
 * The lock document both stores write, and the rules both apply to it: when a lock is stale, and how a
 * held lock is described to the person who ran into it. Kept here so the two stores cannot drift apart.
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { LockedError } from "../errors.ts";
import type { LockInfo, LockOwner } from "./store.ts";

export const LOCK_API_VERSION = "eks-bluegreen/lock/v1";

/** A lock file's content could not be read as a lock. */
export class CorruptLock {
  constructor(
    readonly reason: string,
    readonly text: string,
  ) {}
}

/**
 * The lock document. `leaseUntil` is for people (the writer's best idea of when the lease ends); `leaseMs`
 * is what the S3 store judges by, against S3's own clock (see `s3LeaseExpired`).
 */
export function lockBody(
  owner: LockOwner,
  leaseUntil: Date,
  leaseMs?: number,
): { info: LockInfo; text: string } {
  const info: LockInfo = {
    host: owner.host,
    pid: owner.pid,
    startedAt: owner.startedAt,
    command: owner.command,
    leaseUntil: leaseUntil.toISOString(),
    ...(leaseMs === undefined ? {} : { leaseMs }),
  };
  // The nonce makes two leases of one owner distinguishable, so a token never matches a lock it did not write.
  const text = `${JSON.stringify({ apiVersion: LOCK_API_VERSION, ...info, nonce: randomUUID() }, null, 2)}\n`;
  return { info, text };
}

export function parseLock(text: string): LockInfo | CorruptLock {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return new CorruptLock(text.trim() === "" ? "it is empty" : "it is not JSON", text);
  }
  if (!doc || typeof doc !== "object") return new CorruptLock("it is not a JSON object", text);
  const d = doc as Record<string, unknown>;
  if (d.apiVersion !== LOCK_API_VERSION) {
    return new CorruptLock(
      `its apiVersion is ${JSON.stringify(d.apiVersion)}, not "${LOCK_API_VERSION}"`,
      text,
    );
  }
  const { host, pid, startedAt, command, leaseUntil, leaseMs } = d;
  if (leaseMs !== undefined && (typeof leaseMs !== "number" || !Number.isInteger(leaseMs) || leaseMs <= 0)) {
    return new CorruptLock("its leaseMs is not a positive whole number of milliseconds", text);
  }
  if (
    typeof host !== "string" ||
    typeof pid !== "number" ||
    !Number.isInteger(pid) ||
    typeof startedAt !== "string" ||
    typeof command !== "string" ||
    typeof leaseUntil !== "string" ||
    Number.isNaN(Date.parse(leaseUntil))
  ) {
    return new CorruptLock(
      "a field is missing or of the wrong type (host, pid, startedAt, command, leaseUntil)",
      text,
    );
  }
  return { host, pid, startedAt, command, leaseUntil, ...(leaseMs === undefined ? {} : { leaseMs }) };
}

/** process.kill(pid, 0): ESRCH means no such process; EPERM means it exists under another user. */
export function processAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

export type StaleReason = "lease-expired" | "owner-dead";

/** S3's `Last-Modified` and `Date` are whole seconds (truncated), so either may be up to 1 s early. */
export const S3_CLOCK_GRANULARITY_MS = 1_000;

/** What a read of the lock object told about time: S3's own, and this machine's. */
export interface LockSighting {
  /** The lock object's `Last-Modified` (S3's clock, whole seconds). */
  lastModified?: Date;
  /** The `Date` header of the response that read the lock (S3's clock, whole seconds). */
  date?: Date;
  /** This machine's clock when the response arrived. */
  localNow: Date;
}

/** How a lease was judged: by S3's clock alone, S3's clock against the writer's, or this machine's. */
export type LeaseAnchor = "s3" | "s3-vs-writer" | "local";

export interface LeaseJudgement {
  expired: boolean;
  anchor: LeaseAnchor;
  /** How long S3 says the lock has gone unrenewed (s3 anchor only), in ms (a lower bound). */
  unrenewedMs?: number;
}

/**
 * Whether an S3 lock's lease has run out, judged by S3's clock alone when it can be: the lease ends
 * `leaseMs` after the lock object was last written (its `LastModified`), and "now" is the `Date` of the
 * response that read it. Both are truncated to whole seconds, so the write may have happened up to 1 s
 * after `LastModified` and the read at or after `Date`: the lease counts as run out only once
 * `Date − LastModified − 1 s ≥ leaseMs`, which never takes over early. No runner's clock enters.
 * Fallbacks, for stores that send no headers and for locks without `leaseMs` (written by older
 * versions): the written `leaseUntil` against S3's `Date`, and failing that against this machine's clock.
 */
export function s3LeaseExpired(lock: LockInfo, seen: LockSighting): LeaseJudgement {
  if (seen.date && seen.lastModified && lock.leaseMs !== undefined) {
    const unrenewedMs = seen.date.getTime() - seen.lastModified.getTime() - S3_CLOCK_GRANULARITY_MS;
    return { expired: unrenewedMs >= lock.leaseMs, anchor: "s3", unrenewedMs: Math.max(0, unrenewedMs) };
  }
  const until = Date.parse(lock.leaseUntil);
  if (seen.date) return { expired: until <= seen.date.getTime(), anchor: "s3-vs-writer" };
  return { expired: until <= seen.localNow.getTime(), anchor: "local" };
}

/** A lock read from S3 is stale when S3 says its lease ran out, or its owner on this host is dead. */
export function s3StaleReason(
  lock: LockInfo,
  seen: LockSighting,
  isAlive: (pid: number) => boolean = processAlive,
  thisHost: string = hostname(),
): StaleReason | undefined {
  if (s3LeaseExpired(lock, seen).expired) return "lease-expired";
  if (lock.host === thisHost && !isAlive(lock.pid)) return "owner-dead";
  return undefined;
}

/**
 * This machine's clock minus S3's, from one response: positive when this machine is ahead. `Date` is
 * truncated to the second, so S3's time is taken at the middle of its second.
 */
export function clockSkewMs(serverTime: Date, localTime: Date): number {
  return localTime.getTime() - (serverTime.getTime() + S3_CLOCK_GRANULARITY_MS / 2);
}

/** One `--debug` line: S3's Date, this machine's clock, and the skew. */
export function describeServerTime(t: { serverTime: Date; localTime: Date }): string {
  return `S3 Date ${t.serverTime.toISOString()}, local ${t.localTime.toISOString()}: ${describeSkew(clockSkewMs(t.serverTime, t.localTime))}`;
}

/** Skew beyond this is shown by `status` (and always by `--debug`). */
export const SKEW_SHOWN_MS = 5_000;

/** "this machine's clock is 3612 s ahead of S3's" */
export function describeSkew(skewMs: number): string {
  const s = Math.round(Math.abs(skewMs) / 1000);
  if (s === 0) return "this machine's clock agrees with S3's (within 1 s)";
  return `this machine's clock is ${s} s ${skewMs > 0 ? "ahead of" : "behind"} S3's`;
}

/** Why a lock may be taken over, or undefined when its holder may still be working. */
export function staleReason(
  lock: LockInfo,
  now: Date,
  isAlive: (pid: number) => boolean = processAlive,
  thisHost: string = hostname(),
): StaleReason | undefined {
  if (Date.parse(lock.leaseUntil) <= now.getTime()) return "lease-expired";
  if (lock.host === thisHost && !isAlive(lock.pid)) return "owner-dead";
  return undefined;
}

const FORCE_HINT = (plan: string) =>
  `If you know that run is gone, remove its lock with \`eks-bluegreen unlock ${plan} --force\`; otherwise wait for it (locks are held for one tick at a time).`;

export function lockedError(
  lock: LockInfo,
  location: string,
  plan: string,
  judgement?: LeaseJudgement,
): LockedError {
  const s3 =
    judgement?.anchor === "s3" && lock.leaseMs !== undefined
      ? `; by S3's clock it was renewed ${Math.round((judgement.unrenewedMs ?? 0) / 1000)} s ago and its lease is ${Math.round(lock.leaseMs / 1000)} s`
      : "";
  return new LockedError(
    `The upgrade is locked by another run: \`${lock.command}\` on host ${lock.host}, pid ${lock.pid}, ` +
      `since ${lock.startedAt}, lease until ${lock.leaseUntil}${s3} (${location}).`,
    FORCE_HINT(plan),
  );
}

/** `unlock --force` refused: the holder runs on this host and is alive (exit 5, like any live lock). */
export function holderAliveError(lock: LockInfo, location: string, plan: string): LockedError {
  return new LockedError(
    `The lock ${location} is held by \`${lock.command}\`, pid ${lock.pid} on this host (${lock.host}), ` +
      `since ${lock.startedAt}, and that process is alive: removing its lock would let another run move ` +
      "while it works. Nothing was removed.",
    `Stop that run (Ctrl-C, or \`kill ${lock.pid}\`) or wait for its tick to end; if you are sure it no longer ` +
      `works on this upgrade, run \`eks-bluegreen unlock ${plan} --force --even-if-alive\`.`,
    "lock-holder-alive",
  );
}

export function corruptLockError(corrupt: CorruptLock, location: string, plan: string): LockedError {
  const excerpt = corrupt.text.length > 80 ? `${corrupt.text.slice(0, 80)}…` : corrupt.text;
  return new LockedError(
    `The lock ${location} is damaged: ${corrupt.reason} (content: ${JSON.stringify(excerpt)}). ` +
      "It cannot tell who holds the upgrade, so it is not taken over automatically.",
    `Check that no other run of this upgrade is active, then remove it with \`eks-bluegreen unlock ${plan} --force\`.`,
  );
}

export function lostLeaseError(location: string, plan: string, now?: LockInfo): LockedError {
  return new LockedError(
    `This run no longer holds the lock ${location}: ` +
      (now
        ? `it was taken over by \`${now.command}\` on host ${now.host}, pid ${now.pid} (its lease had run out).`
        : "it was removed (by `unlock --force`, or taken over after its lease ran out)."),
    `Nothing more was written. Run \`eks-bluegreen status ${plan}\` to see where the upgrade is.`,
  );
}
