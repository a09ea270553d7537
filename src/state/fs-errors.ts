/**
 * The local store's file-system failures as StateErrors (exit 4) that name the folder and the fix,
 * instead of an "unexpected failure": a folder owned by someone else, a file where the folder should be,
 * a full disk.
 */
import { StateError, ToolError } from "../errors.ts";
import type { StateStore } from "./store.ts";

const HINTS: Record<string, string> = {
  EACCES: "Check that the folder and its files belong to you (the tool creates them 0700 / 0600).",
  EPERM: "Check that the folder and its files belong to you (the tool creates them 0700 / 0600).",
  ENOTDIR: "Something that is not a folder stands in the path; move it away or set another `state.dir`.",
  EISDIR: "A folder stands where a state or lock file belongs; move it away.",
  ENOSPC: "The disk is full; free some space and run again (the previous state is intact).",
  EROFS: "The file system is read-only; set `state.dir` to a writable folder.",
};

export function toStateError(error: unknown, dir: string, what: string): unknown {
  if (error instanceof ToolError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== "string") return error;
  return new StateError(
    "state-io",
    `Could not ${what} in ${dir}: ${(error as Error).message}.`,
    HINTS[code] ?? "Check the folder named above; nothing was changed by this failed step.",
  );
}

export function withFsErrors(store: StateStore, dir: string): StateStore {
  const wrap =
    <A extends unknown[], R>(what: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await fn(...args);
      } catch (error) {
        throw toStateError(error, dir, what);
      }
    };
  return {
    location: store.location,
    read: wrap("read the state", () => store.read()),
    write: wrap("write the state", (text: string, v: string | undefined) => store.write(text, v)),
    readLock: wrap("read the lock", () => store.readLock()),
    lock: wrap("take the lock", (o: Parameters<StateStore["lock"]>[0], ms: number) => store.lock(o, ms)),
    renew: wrap("renew the lock", (l: Parameters<StateStore["renew"]>[0], ms: number) => store.renew(l, ms)),
    unlock: wrap("release the lock", (l: Parameters<StateStore["unlock"]>[0]) => store.unlock(l)),
    forceUnlock: wrap("remove the lock", () => store.forceUnlock()),
    others: wrap("read the other upgrades' states", () => store.others()),
  };
}
