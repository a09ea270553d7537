/**
 * `run`: a loop of ticks with sleeps between them. The lock is held one tick at a time, so `approve`,
 * `status` and `rollback` work from another shell while it waits. It stops when the upgrade completes,
 * rolls back or pauses (a person is needed), or when the signal aborts (the state is consistent after
 * every tick, so stopping between two is always safe). Like `advance`, every tick reads the plan file
 * again: an edited plan stops `run` with the `plan-changed` refusal (exit 4). A rollback that another
 * shell started while a tick waited for Route 53 stops `run` too (exit 3): that command drives it.
 */
import { AwsError, LockedError } from "../errors.ts";
import type { CompiledPlan } from "../plan/compile.ts";
import { runTick, TickFailedError, type DriverDeps, type TickResult } from "./driver.ts";
import type { UpgradeState } from "../engine/state.ts";
import { bakeEndsAt } from "../engine/watch.ts";

export interface LoopDeps extends DriverDeps {
  /** Resolves after `ms`, or early when the signal aborts. */
  sleep(ms: number): Promise<void>;
  onTick?(result: TickResult): void;
  /** A tick failed for a reason worth retrying (lock briefly held by `approve`, AWS unreachable). */
  onRetry?(error: Error): void;
  /** `--adopt-live`: the first tick may start from live weights that are not all-blue. */
  adoptLive?: boolean;
  /** Reads and compiles the plan file again (before every tick but the first). */
  reloadPlan?(): Promise<CompiledPlan>;
}

export interface LoopResult {
  last: TickResult;
  interrupted: boolean;
  ticks: number;
}

const STOP = new Set(["completed", "rolled-back", "paused"]);
const MIN_SLEEP_MS = 100;

/** How long to sleep before the next tick: the poll interval, or less when a bake or wait ends sooner. */
export function nextDelay(state: UpgradeState | undefined, deps: Pick<DriverDeps, "plan" | "now">): number {
  const poll = deps.plan.pollIntervalMs;
  if (!state) return poll;
  const now = deps.now().getTime();
  let until: number | undefined;
  if (state.phase === "baking") {
    // Unwatched time moves the bake's end; while holding, or once the bake is complete, poll.
    if (!state.holdSince && !state.bakeCompletedAt) until = bakeEndsAt(state, deps.plan);
  } else if (state.phase === "holding" && state.fullSince) {
    until = Date.parse(state.fullSince) + deps.plan.retireAfterMs;
  }
  const left = until === undefined ? poll : until - now;
  return Math.max(MIN_SLEEP_MS, Math.min(poll, left));
}

export async function runLoop(deps: LoopDeps): Promise<LoopResult> {
  let last: TickResult | undefined;
  let ticks = 0;
  let plan = deps.plan;
  for (;;) {
    if (deps.signal?.aborted && last) return { last, interrupted: true, ticks };
    try {
      // The plan file is read at every tick, as `advance` does: an edit is refused (plan-changed).
      if (ticks > 0 && deps.reloadPlan) plan = await deps.reloadPlan();
      last = await runTick(
        { ...deps, plan },
        { kind: "tick", ...(deps.adoptLive ? { adoptLive: true } : {}) },
      );
      ticks += 1;
      deps.onTick?.(last);
    } catch (error) {
      // The first tick reports a held lock (another run is active); later a short `approve` or `status`
      // may hold it for a moment, and AWS may be briefly unreachable: look again at the next poll.
      const cause = error instanceof TickFailedError ? error.failure : error;
      const transient = cause instanceof AwsError || (cause instanceof LockedError && last !== undefined);
      if (!transient || !last) throw error;
      deps.onRetry?.(cause as Error);
    }
    const phase = last.state?.phase;
    if (phase && STOP.has(phase)) return { last, interrupted: false, ticks };
    // Another shell rolled back while this tick waited for Route 53: that command drives the rollback.
    if (last.meanwhile && phase === "rolling-back") return { last, interrupted: false, ticks };
    if (deps.signal?.aborted) return { last, interrupted: true, ticks };
    await deps.sleep(nextDelay(last.state, { ...deps, plan }));
  }
}
