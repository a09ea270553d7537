/**
 * Durable file primitives for the local store: a write is complete on disk (fsync) before it becomes
 * visible under its real name (rename or link), and the directory entry is synced after. Files are 0600.
 */
import { link, open, readFile, readdir, rename, rm } from "node:fs/promises";
import { randomBytes, createHash } from "node:crypto";
import { join } from "node:path";

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

const TEMP_PATTERN = /^\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/** A temp file name in `dir` that names its writer's pid, so leftovers of dead writers can be swept. */
export function tempPath(dir: string, base: string): string {
  return join(dir, `.${base}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
}

/** Creates `path` (which must not exist) with `text`, synced to disk. */
export async function writeNewSynced(path: string, text: string): Promise<void> {
  const handle = await open(path, "wx", FILE_MODE);
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a rename or link durable: without it a crash can forget the new directory entry. */
export async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch (error) {
    // Some platforms cannot open or fsync a directory; the rename is still atomic there.
    const code = (error as NodeJS.ErrnoException).code;
    if (!["EISDIR", "EPERM", "EINVAL", "EACCES", "ENOTSUP"].includes(code ?? "")) throw error;
  } finally {
    await handle?.close();
  }
}

export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Replaces `path` atomically: readers see the old content or the new, never a mix. */
export async function replaceAtomically(
  dir: string,
  path: string,
  base: string,
  text: string,
): Promise<void> {
  const temp = tempPath(dir, base);
  try {
    await writeNewSynced(temp, text);
    await rename(temp, path);
    await syncDir(dir);
  } finally {
    await rm(temp, { force: true });
  }
}

const LINK_UNSUPPORTED = new Set(["EPERM", "ENOTSUP", "ENOSYS", "EXDEV", "EOPNOTSUPP"]);

/**
 * Creates `path` only if it does not exist, with complete content from the first instant: the content is
 * written and synced under a temp name, then hard-linked into place (link fails with EEXIST like `wx`).
 * A plain `wx` open would let a concurrent reader, or a crash, see an empty file. Where hard links are
 * unavailable it falls back to `wx`. Returns false when the file already exists.
 */
export async function createExclusive(
  dir: string,
  path: string,
  base: string,
  text: string,
): Promise<boolean> {
  const temp = tempPath(dir, base);
  try {
    await writeNewSynced(temp, text);
    try {
      await link(temp, path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "";
      if (code === "EEXIST") return false;
      if (!LINK_UNSUPPORTED.has(code)) throw error;
      try {
        await writeNewSynced(path, text);
      } catch (fallbackError) {
        if ((fallbackError as NodeJS.ErrnoException).code === "EEXIST") return false;
        throw fallbackError;
      }
    }
    await syncDir(dir);
    return true;
  } finally {
    await rm(temp, { force: true });
  }
}

/**
 * Removes `path` only if it still holds `expected`: it is first renamed to a unique name (only one rename
 * of a given file can win), then checked; if it held something else, it is put back.
 */
export async function removeIfUnchanged(
  dir: string,
  path: string,
  base: string,
  expected: string,
): Promise<boolean> {
  const aside = tempPath(dir, `${base}.removed`);
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
  const moved = await readTextIfExists(aside);
  if (moved !== expected) {
    try {
      await link(aside, path);
    } catch {
      // Someone created a new one meanwhile: theirs stands.
    }
    await rm(aside, { force: true });
    return false;
  }
  await rm(aside, { force: true });
  await syncDir(dir);
  return true;
}

/** Deletes temp files left by writers that died (their pid is in the name). */
export async function sweepTempFiles(dir: string, isAlive: (pid: number) => boolean): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const match = TEMP_PATTERN.exec(name);
    if (!match) continue;
    const pid = Number(match[2]);
    if (pid !== process.pid && !isAlive(pid)) await rm(join(dir, name), { force: true });
  }
}
