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

export function lockBody(owner: LockOwner, leaseUntil: Date): { info: LockInfo; text: string } {
  const info: LockInfo = {
    host: owner.host,
    pid: owner.pid,
    startedAt: owner.startedAt,
    command: owner.command,
    leaseUntil: leaseUntil.toISOString(),
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
  const { host, pid, startedAt, command, leaseUntil } = d;
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
  return { host, pid, startedAt, command, leaseUntil };
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

export function lockedError(lock: LockInfo, location: string, plan: string): LockedError {
  return new LockedError(
    `The upgrade is locked by another run: \`${lock.command}\` on host ${lock.host}, pid ${lock.pid}, ` +
      `since ${lock.startedAt}, lease until ${lock.leaseUntil} (${location}).`,
    FORCE_HINT(plan),
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
