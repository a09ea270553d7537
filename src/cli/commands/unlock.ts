/**
 * `unlock <plan> --force`: removes a lock whose holder is known to be gone. A holder that runs on this
 * host and is alive keeps its lock (exit 5, `lock-holder-alive`) unless `--even-if-alive`: removing it
 * would let a second run move while the first still works.
 */
import type { CommandContext, CommandResult } from "../context.ts";
import { ExitCode, UsageError } from "../../errors.ts";
import { openSession } from "../../runner/session.ts";
import { clock } from "../render/text.ts";

export async function handler(
  options: { file: string; force: boolean; evenIfAlive?: boolean },
  ctx: CommandContext,
): Promise<CommandResult> {
  if (!options.force) {
    throw new UsageError(
      "unlock removes another run's lock and needs --force.",
      "Make sure the holder (see `eks-bluegreen status`) is gone, then run `eks-bluegreen unlock <plan> --force`.",
    );
  }
  const { plan, store } = await openSession(options.file, ctx, "unlock");
  const removed = await store.forceUnlock({ evenIfAlive: options.evenIfAlive === true });
  ctx.out.print(
    removed
      ? `Removed the lock held by ${removed.command} (pid ${removed.pid} on ${removed.host}, since ${clock(removed.startedAt)}).`
      : `No lock is held on ${plan.name}: nothing to remove.`,
  );
  return { exitCode: ExitCode.Ok, json: { removed: removed ?? null, state: store.location } };
}
