/**
 * The imperative shell around `transition`: one tick = lock → load → observe → transition (which also
 * reconciles an interrupted side effect with what Route 53 says) → persist the intent → perform the
 * action through the ports → persist the outcome → unlock. The lock is held for this tick only.
 */
import { AwsError, ExitCode, ToolError } from "../errors.ts";
import type { Ports } from "../aws/ports.ts";
import type { CompiledPlan } from "../plan/compile.ts";
import type { Lease, LockOwner, StateStore } from "../state/store.ts";
import { crashFromEnv, type CrashPoint } from "./crash-points.ts";
import type { Action } from "./draft.ts";
import type { Finding, Observation } from "./observation.ts";
import { observe as realObserve, type ObserveOptions, type RetryLog } from "./observe.ts";
import { newState, parseState, serializeState, type EventRecord, type UpgradeState } from "./state.ts";
import { transition, type Input, type TransitionResult } from "./transition.ts";
import type { Verdict } from "./verdict.ts";
import type { NotifyResult } from "../notify/record.ts";
import { pairLabel } from "./weights.ts";

export interface DriverDeps {
  plan: CompiledPlan;
  store: StateStore;
  ports: Ports;
  now: () => Date;
  /** Who takes the lock: host, pid, start time, command. */
  owner: LockOwner;
  signal?: AbortSignal;
  /** Longest wait for INSYNC in one tick (advance never blocks longer than one such wait). */
  insyncTimeoutMs?: number;
  /** Longest wait for blue's deletion or scale-down. */
  retireTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Tests replace the SIGKILL hook. */
  crash?: (point: CrashPoint) => void;
  onEvent?: (event: EventRecord) => void;
  /** The state as loaded at the start of a tick (shows what other shells wrote since). */
  onLoad?: (state: UpgradeState) => void;
  onProgress?: (message: string) => void;
  observe?: (ports: Ports, plan: CompiledPlan, options: ObserveOptions) => Promise<Observation>;
  /** The retry layer's log of the session's ports: reads that had to retry count as unwatched time. */
  retries?: RetryLog;
  /** Sends the notifications due (notify/deliver.ts); never throws; its outcomes are logged as events. */
  notify?: (state: UpgradeState) => Promise<NotifyResult[]>;
}

export interface TickResult {
  /** Undefined when no upgrade exists (a refused first tick). */
  state: UpgradeState | undefined;
  exitCode: ExitCode;
  reason: string;
  events: EventRecord[];
  findings: Finding[];
  verdict?: Verdict;
  observation?: Observation;
}

/** A command the engine refused (preflight errors, changed plan, drift, nothing to approve…). */
export class RefusedError extends ToolError {
  readonly findings: Finding[];
  constructor(code: string, message: string, hint: string, exitCode: ExitCode, findings: Finding[] = []) {
    super(code, message, { hint, exitCode, fault: "user" });
    this.findings = findings;
  }
}

export const DEFAULT_INSYNC_TIMEOUT_MS = 180_000;
const LEASE_MARGIN_MS = 120_000;
const MAX_ACTIONS_PER_TICK = 8;

function noUpgrade(plan: CompiledPlan, location: string): ToolError {
  return new ToolError("no-upgrade", `No upgrade of ${plan.name} has started (no state at ${location}).`, {
    hint: `Start it with \`eks-bluegreen run ${plan.file}\` or \`eks-bluegreen advance ${plan.file}\`.`,
    exitCode: ExitCode.Usage,
  });
}

/** Reads and checks the state without locking (status, history). */
export async function loadState(store: StateStore, plan: CompiledPlan): Promise<UpgradeState | undefined> {
  const stored = await store.read();
  return stored ? parseState(stored.text, plan.name, store.location) : undefined;
}

/** One tick, or one operator input (approve, rollback, resume) followed by what it sets in motion. */
export async function runTick(deps: DriverDeps, input: Input = { kind: "tick" }): Promise<TickResult> {
  const insyncTimeoutMs = deps.insyncTimeoutMs ?? DEFAULT_INSYNC_TIMEOUT_MS;
  const crash = deps.crash ?? crashFromEnv(deps.env ?? {});
  let lease: Lease = await deps.store.lock(deps.owner, insyncTimeoutMs + LEASE_MARGIN_MS);
  let crashed = false;
  try {
    crash("after-lock");
    const stored = await deps.store.read();
    let version = stored?.version;
    const existing = stored ? parseState(stored.text, deps.plan.name, deps.store.location) : undefined;
    if (!existing && input.kind !== "tick") throw noUpgrade(deps.plan, deps.store.location);
    let state = existing ?? newState(deps.plan, deps.now());
    if (existing) deps.onLoad?.(existing);

    // The resilience audit is read on the ticks that run preflight only (never during bakes).
    const preflightTick = state.phase === "pending" || state.phase === "preflight";
    const observation =
      input.kind === "approve"
        ? undefined
        : await (deps.observe ?? realObserve)(deps.ports, deps.plan, {
            ...(state.alarmsSince ? { historySince: new Date(state.alarmsSince) } : {}),
            ...(deps.signal ? { signal: deps.signal } : {}),
            now: deps.now(),
            ...(preflightTick ? { audit: true } : {}),
            ...(deps.retries ? { retries: deps.retries } : {}),
          });
    if (deps.signal?.aborted && input.kind === "tick") {
      return {
        state: existing,
        exitCode: ExitCode.Ok,
        reason: "Interrupted before deciding.",
        events: [],
        findings: [],
      };
    }

    const events: EventRecord[] = [];
    const persist = async (r: TransitionResult, point: CrashPoint) => {
      if (r.refusal) {
        throw new RefusedError(
          r.refusal.code,
          r.refusal.message,
          r.refusal.hint,
          r.refusal.exitCode,
          r.refusal.findings,
        );
      }
      if (lease.tookOverFrom && events.length === 0) {
        const from = lease.tookOverFrom;
        // The takeover came first: it goes before this transition's events, which are renumbered after it.
        const first = r.state.events.length - r.events.length;
        const takeover: EventRecord = {
          seq: first + 1,
          at: deps.now().toISOString(),
          type: "lock-takeover",
          step: state.step,
          message: `Took over a stale lock held by ${from.command} (pid ${from.pid} on ${from.host}, lease until ${from.leaseUntil}).`,
          evidence: { tookOverFrom: `${from.host}:${from.pid}` },
        };
        r.state.events.splice(first, 0, takeover);
        for (let i = first; i < r.state.events.length; i++) r.state.events[i]!.seq = i + 1;
        r.events.unshift(takeover);
      }
      version = await deps.store.write(serializeState(r.state), version);
      for (const e of r.events) {
        events.push(e);
        deps.onEvent?.(e);
      }
      crash(r.state.intent ? "after-intent" : point);
    };

    let r = transition(state, observation, deps.plan, deps.now(), input);
    await persist(r, "after-write");
    if (input.kind === "resume") {
      r = transition(r.state, observation, deps.plan, deps.now(), { kind: "tick" });
      await persist(r, "after-write");
    }
    let findings = r.findings;
    const verdict = r.verdict;
    let pending = [...r.actions];
    let performed = 0;
    while (pending.length > 0 && performed < MAX_ACTIONS_PER_TICK) {
      const action = pending.shift()!;
      performed += 1;
      let result: Input;
      let failure: unknown;
      try {
        if (action.type === "wait-insync" || action.type === "retire") {
          lease = await deps.store.renew(lease, leaseFor(action, insyncTimeoutMs, deps.retireTimeoutMs));
        }
        result = await perform(deps, action, observation, insyncTimeoutMs, crash);
      } catch (error) {
        failure = error;
        result = {
          kind: "action-failed",
          action,
          error: error instanceof Error ? error.message : String(error),
        };
      }
      r = transition(r.state, observation, deps.plan, deps.now(), result);
      await persist(r, action.type === "shift" ? "after-submitted" : "after-write");
      if (failure !== undefined) throw failure;
      pending = [...r.actions, ...pending];
    }
    // Notifications last and never in the way: a failure is an event, retried on a later tick.
    if (deps.notify) {
      const results = await deps.notify(r.state).catch(() => []);
      if (results.length > 0) {
        const n = transition(r.state, observation, deps.plan, deps.now(), { kind: "notified", results });
        await persist(n, "after-write");
        r = { ...r, state: n.state };
      }
    }
    state = r.state;
    findings = findings.length > 0 ? findings : r.findings;
    crash("before-unlock");
    return {
      state,
      exitCode: r.exitCode,
      reason: r.reason,
      events,
      findings,
      ...(verdict ? { verdict } : {}),
      ...(observation ? { observation } : {}),
    };
  } catch (error) {
    crashed = error instanceof SimulatedCrash;
    throw error;
  } finally {
    if (!crashed) await deps.store.unlock(lease).catch(() => {});
  }
}

/** Thrown by test crash hooks: the tick stops dead, without releasing its lock, like a SIGKILL. */
export class SimulatedCrash extends Error {
  constructor(readonly point: CrashPoint) {
    super(`simulated crash at ${point}`);
  }
}

function leaseFor(action: Action, insyncMs: number, retireMs: number | undefined): number {
  return (action.type === "retire" ? (retireMs ?? 3_600_000) : insyncMs) + LEASE_MARGIN_MS;
}

async function perform(
  deps: DriverDeps,
  action: Action,
  observation: Observation | undefined,
  insyncTimeoutMs: number,
  crash: (point: CrashPoint) => void,
): Promise<Input> {
  const readings = () => {
    if (!observation?.traffic.ok) {
      throw new AwsError({
        awsCode: "Unreadable",
        message: `cannot read the weighted records${observation && !observation.traffic.ok ? `: ${observation.traffic.error}` : ""}`,
        operation: "ListResourceRecordSets",
        hint: "Nothing was changed; the next tick reads Route 53 again.",
      });
    }
    return observation.traffic.value;
  };
  switch (action.type) {
    case "shift": {
      deps.onProgress?.(`Route 53: setting ${action.green}% green on every pair`);
      // No abort signal: once started, the change must reach Route 53 or fail; the intent covers both.
      const all = readings();
      const only = action.only;
      const send = only ? all.filter((r) => only.includes(pairLabel(r))) : all;
      const changes = await deps.ports.traffic.apply(send, action.green);
      crash("after-apply");
      return { kind: "submitted", changes };
    }
    case "wait-insync": {
      if (action.changeIds.length === 0) return { kind: "in-sync" };
      deps.onProgress?.("Route 53: waiting for INSYNC");
      try {
        const still = await deps.ports.traffic.waitInSync(action.changeIds, {
          timeoutMs: insyncTimeoutMs,
          ...(deps.signal ? { signal: deps.signal } : {}),
        });
        if (still.length === 0) crash("after-insync");
        return still.length === 0 ? { kind: "in-sync" } : { kind: "still-pending" };
      } catch (error) {
        if (deps.signal?.aborted) return { kind: "still-pending" };
        throw error;
      }
    }
    case "retire": {
      const name = deps.plan.doc.clusters.blue.name;
      const options = {
        timeoutMs: deps.retireTimeoutMs ?? 3_600_000,
        ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
      };
      try {
        if (action.mode === "delete") await deps.ports.clusters.blue.deleteCluster(name, options);
        else await deps.ports.clusters.blue.scaleToZero(name, options);
      } catch (error) {
        // EKS takes its time; a tick that waited long enough leaves the rest to the next one.
        if (error instanceof ToolError && error.code === "retire-timeout") return { kind: "retire-pending" };
        throw error;
      }
      crash("after-retire");
      return { kind: "retired" };
    }
    case "delete-blue-records": {
      await deps.ports.traffic.deleteBlue(readings().filter((r) => r.blue !== undefined));
      crash("after-delete-records");
      return { kind: "blue-records-deleted" };
    }
  }
}
