/**
 * The imperative shell around `transition`. One tick:
 *
 *   lock → load → observe → transition (which also reconciles an interrupted side effect with what
 *   Route 53 says) → persist the intent → renew the lease → perform the action through the ports →
 *   persist the outcome → UNLOCK → wait for INSYNC → LOCK again → re-read: if another command wrote the
 *   state meanwhile (a rollback, an approval), report it and end; else persist `in-sync` → unlock.
 *
 * The lock is held for the short sections of a tick only, never while waiting on Route 53, so a
 * `rollback` from another shell gets it within one locked section. Retirement keeps the lock and renews
 * the lease before its wait and during it. Every state write is conditional on the version this tick
 * read or wrote: that check, not the lock, is what keeps two writers from both winning.
 */
import { AwsError, ExitCode, LockedError, StateError, ToolError, type ErrorCode } from "../errors.ts";
import type { Ports } from "../engine/ports.ts";
import type { CompiledPlan } from "../plan/compile.ts";
import type { Lease, LockInfo, LockOwner, StateStore } from "../state/store.ts";
import { pointHooksFromEnv, type CrashPoint, type PointHook } from "./crash-points.ts";
import { explainLostWrite } from "./lost-write.ts";
import type { Action } from "../engine/draft.ts";
import type { Finding, Observation, SiblingUpgrade } from "../engine/observation.ts";
import { observe as realObserve, type ObserveOptions, type RetryLog } from "./observe.ts";
import {
  newState,
  parseState,
  serializeState,
  type EventRecord,
  type PairWeights,
  type UpgradeState,
} from "../engine/state.ts";
import { formerRefs, readSibling } from "../engine/targets.ts";
import { phaseExitCode, transition, type Input, type TransitionResult } from "../engine/transition.ts";
import type { Verdict } from "../engine/verdict.ts";
import {
  endpointGroupLabel,
  endpointGroupWeights,
  listenerLabel,
  listenerWeights,
  trafficError,
} from "../engine/traffic.ts";
import { differingPairs, pairLabel } from "../engine/weights.ts";
import type { NotifyResult } from "../engine/notified.ts";
import type { DebugCode, WarnCode } from "../messages.ts";
import { analysisWindow, type AnalysisRead } from "../engine/analysis.ts";

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
  /**
   * How long to keep asking for a lock another command holds before giving up with exit 5 (operator
   * commands: `rollback`, `approve`, `resume`; a tick's locked sections are short). 0 by default.
   */
  lockWaitMs?: number;
  /** Resolves after `ms` (lock retries); tests pass the fake clock's. */
  sleep?: (ms: number) => Promise<void>;
  env?: NodeJS.ProcessEnv;
  /** Tests replace the SIGKILL (and pause) hook. */
  crash?: PointHook;
  onEvent?: (event: EventRecord) => void;
  /** The state as loaded at the start of a tick, or as another command left it (shows what other shells wrote). */
  onLoad?: (state: UpgradeState) => void;
  onProgress?: (message: string) => void;
  observe?: (ports: Ports, plan: CompiledPlan, options: ObserveOptions) => Promise<Observation>;
  /** The retry layer's log of the session's ports: reads that had to retry count as unwatched time. */
  retries?: RetryLog;
  /** Notes for `--debug` (a sibling state that could not be read, …). */
  debug?: (code: DebugCode, message: string) => void;
  /** Warnings the tick survives but a person should see (a lock it could not release, …). */
  warn?: (code: WarnCode, message: string) => void;
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
  /**
   * Events other commands logged while this tick waited for Route 53 without the lock (a rollback, an
   * approval). When set, the tick ended there: `state` is what they left and `exitCode` its phase's.
   */
  meanwhile?: EventRecord[];
}

/** A command the engine refused (preflight errors, changed plan, drift, nothing to approve…). */
export class RefusedError extends ToolError {
  readonly findings: Finding[];
  constructor(code: ErrorCode, message: string, hint: string, exitCode: ExitCode, findings: Finding[] = []) {
    super(code, message, { hint, exitCode, fault: "user" });
    this.findings = findings;
  }
}

/**
 * A tick that failed after it had logged events (or left the upgrade rolling back): the failure's code,
 * message and hint, plus the events, which the commands print before the error (and `--output json`
 * adds as `events`). A rollback that could not finish exits 3: the upgrade is rolling back.
 */
export class TickFailedError extends ToolError {
  constructor(
    readonly failure: ToolError,
    readonly events: EventRecord[],
    readonly state: UpgradeState | undefined,
    planFile: string,
  ) {
    const rolling = state?.phase === "rolling-back";
    super(failure.code, failure.message, {
      hint: rolling
        ? `The upgrade is rolling back (phase rolling-back), but this tick could not finish it. Run \`eks-bluegreen advance ${planFile}\` (or \`run\`) to put every pair back on blue; it reads Route 53 again first.`
        : failure.hint,
      exitCode: rolling ? ExitCode.RolledBack : failure.exitCode,
      fault: failure.fault,
      cause: failure,
      details: { events },
    });
  }
}

/** The events a failed tick logged before it failed (empty for any other error). */
export function eventsOfFailedTick(error: unknown): EventRecord[] {
  return error instanceof TickFailedError ? error.events : [];
}

export const DEFAULT_INSYNC_TIMEOUT_MS = 180_000;
/** The lease of one locked section: an observation and at most one AWS change, each within the retry budget. */
export const LOCK_LEASE_MS = 300_000;
/** Operator commands ask again for a held lock this long (polling every 100–250 ms) before exit 5. */
export const OPERATOR_LOCK_WAIT_MS = 10_000;
const KEEPALIVE_EVERY_MS = 60_000;
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
  return new Tick(deps, deps.crash ?? pointHooksFromEnv(deps.env ?? {})).run(input);
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How a tick that waited for INSYNC without the lock ends early. */
type Early = Pick<TickResult, "state" | "exitCode" | "reason"> & { meanwhile?: EventRecord[] };

class Tick {
  /** Undefined while this tick does not hold the lock. */
  private lease: Lease | undefined;
  /** A stale lock taken over: handed to the next transition, which logs it first. */
  private takeover: LockInfo | undefined;
  /** The version of the state this tick read or last wrote (every write is conditional on it). */
  private version: string | undefined;
  /** The state as last persisted (or loaded). */
  private state: UpgradeState | undefined;
  /** The text this tick last wrote: compared too, as stores may spell one version two ways (quoted ETags). */
  private written: string | undefined;
  private readonly events: EventRecord[] = [];

  constructor(
    private readonly deps: DriverDeps,
    private readonly hook: PointHook,
  ) {}

  async run(input: Input): Promise<TickResult> {
    let crashed = false;
    try {
      await this.lock();
      return await this.body(input);
    } catch (error) {
      crashed = error instanceof SimulatedCrash;
      throw crashed ? error : this.failed(error);
    } finally {
      if (!crashed) await this.unlock();
    }
  }

  private async body(input: Input): Promise<TickResult> {
    const { deps } = this;
    await this.hook("after-lock");
    const stored = await deps.store.read();
    this.version = stored?.version;
    const existing = stored ? parseState(stored.text, deps.plan.name, deps.store.location) : undefined;
    if (!existing && input.kind !== "tick") throw noUpgrade(deps.plan, deps.store.location);
    this.state = existing;
    if (existing) deps.onLoad?.(existing);
    const state = existing ?? newState(deps.plan, deps.now());

    // The resilience audit is read on the ticks that run preflight only (never during bakes).
    const preflightTick = state.phase === "pending" || state.phase === "preflight";
    const former = formerRefs(state, deps.plan);
    const observation =
      input.kind === "approve"
        ? undefined
        : await (deps.observe ?? realObserve)(deps.ports, deps.plan, {
            ...(state.alarmsSince ? { historySince: new Date(state.alarmsSince) } : {}),
            ...(deps.signal ? { signal: deps.signal } : {}),
            now: deps.now(),
            ...(preflightTick ? { audit: true } : {}),
            ...(deps.retries ? { retries: deps.retries } : {}),
            ...(former.records.length > 0 ? { formerTargets: former.records } : {}),
            ...(former.listeners.length > 0 ? { formerListeners: former.listeners } : {}),
            ...(former.endpointGroups.length > 0 ? { formerEndpointGroups: former.endpointGroups } : {}),
            ...analysisOption(state, deps.plan, deps.now()),
          });
    // Other upgrades beside this one matter before the first shift: preflight refuses to share targets.
    if (observation && preflightTick && input.kind === "tick") {
      observation.others = await readOtherUpgrades(deps.store, deps.debug);
    }
    if (deps.signal?.aborted && input.kind === "tick") {
      return {
        state: existing,
        exitCode: ExitCode.Ok,
        reason: "Interrupted before deciding.",
        events: [],
        findings: [],
      };
    }

    let r = this.decide(state, observation, input);
    await this.persist(r, "after-write");
    if (input.kind === "resume") {
      r = this.decide(r.state, observation, { kind: "tick" });
      await this.persist(r, "after-write");
    }
    const findings = r.findings;
    const verdict = r.verdict;
    const finish = (end: Early): TickResult => ({
      ...end,
      events: this.events,
      findings: findings.length > 0 ? findings : r.findings,
      ...(verdict ? { verdict } : {}),
      ...(observation ? { observation } : {}),
    });
    let pending = [...r.actions];
    let performed = 0;
    while (pending.length > 0 && performed < MAX_ACTIONS_PER_TICK) {
      const action = pending.shift()!;
      performed += 1;
      if (action.type === "wait-insync" && action.changeIds.length > 0) {
        const waited = await this.waitInSync(action, r, observation);
        if (waited.ended) return finish(waited.ended);
        r = waited.next;
      } else {
        r = await this.act(action, r, observation);
      }
      pending = [...r.actions, ...pending];
    }
    // Notifications last and never in the way: a failure is an event, retried on a later tick.
    if (deps.notify) {
      const results = await deps.notify(r.state).catch(() => []);
      if (results.length > 0) {
        const n = this.decide(r.state, observation, { kind: "notified", results });
        await this.persist(n, "after-write");
        // The tick's own exit code and reason stand: recording deliveries changes neither.
        r = { ...r, state: n.state };
      }
    }
    await this.hook("before-unlock");
    return finish({ state: r.state, exitCode: r.exitCode, reason: r.reason });
  }

  /** `transition`, with a stale lock taken over since the last one as part of the input (logged once, first). */
  private decide(state: UpgradeState, observation: Observation | undefined, input: Input): TransitionResult {
    const takeover = this.takeover;
    this.takeover = undefined;
    const full = takeover ? { ...input, takeover } : input;
    return transition(state, observation, this.deps.plan, this.deps.now(), full);
  }

  /** A side effect under the lock: the lease is renewed first (it also proves the lock is still ours). */
  private async act(action: Action, r: TransitionResult, observation: Observation | undefined) {
    const { deps } = this;
    if (action.type !== "wait-insync") {
      // Nothing is done yet if this throws: the intent stays and the next tick reconciles.
      this.lease = await deps.store.renew(this.lease!, LOCK_LEASE_MS);
    }
    const keepAlive = action.type === "retire" ? this.keepAlive() : undefined;
    let result: Input;
    let failure: unknown;
    try {
      result = await perform(deps, action, observation, this.hook);
    } catch (error) {
      failure = error;
      result = {
        kind: "action-failed",
        action,
        error: error instanceof Error ? error.message : String(error),
      };
    } finally {
      await keepAlive?.stop();
    }
    const next = this.decide(r.state, observation, result);
    // Written even if the lease was lost meanwhile: the version check guards it, and a change Route 53
    // accepted must be recorded (if another run wrote first, its reconciliation finds the change applied).
    await this.persist(next, action.type === "shift" ? "after-submitted" : "after-write");
    if (failure !== undefined) throw failure;
    return next;
  }

  /** Waits for INSYNC without the lock, then takes it again and records the outcome, unless another command wrote meanwhile. */
  private async waitInSync(
    action: Extract<Action, { type: "wait-insync" }>,
    r: TransitionResult,
    observation: Observation | undefined,
  ): Promise<{ ended: Early; next?: undefined } | { ended?: undefined; next: TransitionResult }> {
    const { deps } = this;
    await this.unlock();
    // A failed wait records nothing (the change was applied; the next tick asks Route 53 again).
    const result = await perform(deps, action, observation, this.hook);
    const phase = r.state.phase;
    if (deps.signal?.aborted) {
      return {
        ended: {
          state: r.state,
          exitCode: phaseExitCode(phase),
          reason: `Stopped while waiting for Route 53 to report INSYNC (${r.state.writtenGreen}% green); the next tick checks it again.`,
        },
      };
    }
    try {
      await this.lock();
    } catch (error) {
      if (!(error instanceof LockedError)) throw error;
      return {
        ended: {
          state: r.state,
          exitCode: phaseExitCode(phase),
          reason: `${result.kind === "in-sync" ? "Route 53 reported INSYNC" : "Route 53 has not reported INSYNC yet"}, but another command holds the lock now; the next tick checks INSYNC again and continues. (${error.message})`,
        },
      };
    }
    const now = await deps.store.read();
    const unchanged = now !== undefined && (now.version === this.version || now.text === this.written);
    if (!unchanged) return { ended: this.superseded(now?.text, r.state) };
    if (result.kind === "in-sync") await this.hook("after-insync");
    const next = this.decide(r.state, observation, result);
    await this.persist(next, "after-write");
    return { next };
  }

  /** Another command wrote the state while this tick waited: report what it did, in its phase's exit code. */
  private superseded(text: string | undefined, mine: UpgradeState): Early {
    const { deps } = this;
    if (text === undefined) {
      throw new StateError(
        "state-missing",
        `The state ${deps.store.location} disappeared while this run waited for Route 53.`,
        `Nothing more was written. Run \`eks-bluegreen status ${deps.plan.file}\` to see where traffic is.`,
      );
    }
    const theirs = parseState(text, deps.plan.name, deps.store.location);
    this.state = theirs;
    deps.onLoad?.(theirs);
    const meanwhile = theirs.events.filter((e) => e.seq > mine.events.length);
    const what = meanwhile.length > 0 ? meanwhile.map((e) => e.message).join(" ") : "it wrote the state.";
    return {
      state: theirs,
      exitCode: phaseExitCode(theirs.phase),
      reason: `While this run waited for Route 53, another command changed the upgrade: ${what} It is now ${theirs.phase}; this tick recorded nothing more.`,
      meanwhile,
    };
  }

  private async persist(r: TransitionResult, point: CrashPoint): Promise<void> {
    const { deps } = this;
    if (r.refusal) {
      throw new RefusedError(
        r.refusal.code,
        r.refusal.message,
        r.refusal.hint,
        r.refusal.exitCode,
        r.refusal.findings,
      );
    }
    const text = serializeState(r.state);
    const known = r.state.events.length - r.events.length;
    this.version = await deps.store.write(text, this.version).catch(async (error: unknown) => {
      // A lost write says what the other run did meanwhile, in words that fit the backend.
      throw await explainLostWrite(error, deps.store, deps.plan, known);
    });
    this.written = text;
    this.state = r.state;
    for (const e of r.events) {
      this.events.push(e);
      deps.onEvent?.(e);
    }
    await this.hook(r.state.intent ? "after-intent" : point);
  }

  /** Takes the lock; operator commands ask again for a while when another command holds it. */
  private async lock(): Promise<void> {
    const { deps } = this;
    const started = deps.now().getTime();
    for (;;) {
      try {
        const lease = await deps.store.lock(deps.owner, LOCK_LEASE_MS);
        this.lease = lease;
        if (lease.tookOverFrom) this.takeover = lease.tookOverFrom;
        return;
      } catch (error) {
        const waited = deps.now().getTime() - started;
        if (!(error instanceof LockedError) || waited >= (deps.lockWaitMs ?? 0) || deps.signal?.aborted) {
          throw error;
        }
        await (deps.sleep ?? realSleep)(100 + Math.floor(Math.random() * 150));
      }
    }
  }

  private async unlock(): Promise<void> {
    const lease = this.lease;
    this.lease = undefined;
    if (!lease) return;
    await this.deps.store.unlock(lease).catch((error: unknown) => {
      // The tick's work is done and saved; only the lock stays behind until its lease ends.
      const why = error instanceof Error ? error.message : String(error);
      this.deps.warn?.(
        "lock-unlock-failed",
        `could not release the state lock (unlock-failed): ${why}. Other commands wait until the lease ends (${lease.owner.leaseUntil}), then take the lock over.`,
      );
    });
  }

  /** Renews the lease during a long wait under the lock (retirement). A lost lease is not fatal here. */
  private keepAlive(): { stop(): Promise<void> } {
    let chain: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      chain = chain.then(async () => {
        if (!this.lease) return;
        // If it was lost, the state write after the wait is still conditional on this tick's version.
        this.lease = await this.deps.store.renew(this.lease, LOCK_LEASE_MS).catch(() => this.lease);
      });
    }, KEEPALIVE_EVERY_MS);
    return {
      stop: async () => {
        clearInterval(timer);
        await chain;
      },
    };
  }

  /** Adds the events this tick logged to its failure, so the commands can show them before the error. */
  private failed(error: unknown): unknown {
    if (!(error instanceof ToolError) || error instanceof RefusedError || error instanceof TickFailedError) {
      return error;
    }
    if (this.events.length === 0 && this.state?.phase !== "rolling-back") return error;
    return new TickFailedError(error, this.events, this.state, this.deps.plan.file);
  }
}

/** The other upgrades' states beside this one, read leniently: an unreadable one is skipped (noted under --debug). */
export async function readOtherUpgrades(
  store: Pick<StateStore, "others">,
  debug?: (code: DebugCode, message: string) => void,
): Promise<NonNullable<Observation["others"]>> {
  try {
    const found: SiblingUpgrade[] = [];
    for (const other of await store.others()) {
      const read =
        "error" in other
          ? { skipped: `${other.location}: ${other.error}` }
          : readSibling(other.text, other.location);
      if ("skipped" in read) debug?.("other-upgrade-skipped", `other upgrades: skipped ${read.skipped}`);
      else found.push(read);
    }
    return { ok: true, value: found };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * A load balancer or accelerator that accepted a change but whose re-read does not show it: the step is
 * not applied yet. The intent stays; the next tick reconciles with what AWS then says.
 */
function notShowing(weights: PairWeights[], green: number, service: string, operation: string): void {
  const off = differingPairs(weights, green);
  if (off.length === 0) return;
  throw new AwsError({
    awsCode: "NotYetApplied",
    message: `${service} accepted the change but does not show ${green}% green yet on ${off.map((w) => w.name).join(", ")}`,
    operation,
    hint: "The next tick reads it again and continues from what it finds.",
  });
}

/** Thrown by test crash hooks: the tick stops dead, without releasing its lock, like a SIGKILL. */
export class SimulatedCrash extends Error {
  constructor(readonly point: CrashPoint) {
    super(`simulated crash at ${point}`);
  }
}

async function perform(
  deps: DriverDeps,
  action: Action,
  observation: Observation | undefined,
  hook: PointHook,
): Promise<Input> {
  const insyncTimeoutMs = deps.insyncTimeoutMs ?? DEFAULT_INSYNC_TIMEOUT_MS;
  const unreadable = () => {
    const why = observation ? trafficError(observation) : "nothing was read";
    if (why === undefined) return;
    throw new AwsError({
      awsCode: "Unreadable",
      message: `cannot read the traffic targets: ${why}`,
      operation: "ListResourceRecordSets",
      hint: "Nothing was changed; the next tick reads them again.",
    });
  };
  const readings = () => {
    unreadable();
    return observation!.traffic.ok ? observation!.traffic.value : [];
  };
  switch (action.type) {
    case "shift": {
      deps.onProgress?.(`setting ${action.green}% green on every target`);
      // No abort signal: once started, a change must reach AWS or fail; the intent covers both.
      unreadable();
      const only = action.only;
      const pick = <T>(items: readonly T[], label: (t: T) => string): T[] =>
        only ? items.filter((t) => only.includes(label(t))) : [...items];
      const records = pick(readings(), pairLabel);
      const listeners = pick(observation?.listeners?.ok ? observation.listeners.value : [], (r) =>
        listenerLabel(r.ref),
      );
      const groups = pick(observation?.endpointGroups?.ok ? observation.endpointGroups.value : [], (r) =>
        endpointGroupLabel(r.ref),
      );
      // Load balancers and accelerators count as applied once a re-read shows the weights (no INSYNC).
      if (listeners.length > 0) {
        const after = await deps.ports.listeners!.apply(listeners, action.green);
        notShowing(after.map(listenerWeights), action.green, "ELBv2", "ModifyListener");
        await hook("after-apply-listeners");
      }
      if (groups.length > 0) {
        const after = await deps.ports.endpointGroups!.apply(groups, action.green, {
          settleMs: insyncTimeoutMs,
        });
        notShowing(
          after.map(endpointGroupWeights),
          action.green,
          "Global Accelerator",
          "UpdateEndpointGroup",
        );
        await hook("after-apply-endpoint-groups");
      }
      const changes = records.length > 0 ? await deps.ports.traffic.apply(records, action.green) : [];
      await hook("after-apply");
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
      await hook("after-retire");
      return { kind: "retired" };
    }
    case "delete-blue-records": {
      await deps.ports.traffic.deleteBlue(readings().filter((r) => r.blue !== undefined));
      await hook("after-delete-records");
      return { kind: "blue-records-deleted" };
    }
  }
}

/** The metric-analysis window to read this tick, when an evaluation is due (engine/analysis.ts decides). */
function analysisOption(state: UpgradeState, plan: CompiledPlan, now: Date): { analysis?: AnalysisRead } {
  const window = analysisWindow(state, plan, now);
  return window ? { analysis: window } : {};
}
