/**
 * Every rule of the upgrade, as one pure function: `transition(state, observation, plan, now, input)`
 * returns the next state, the actions to perform (plain data) and the events it logged. No I/O, no
 * clock of its own. The driver feeds the outcome of each action back in as an input, so even
 * "Route 53 accepted the change" and "INSYNC" are decided here.
 */
import type { SubmittedChange } from "./ports.ts";
import { ExitCode } from "../errors.ts";
import type { CompiledPlan } from "../plan/compile.ts";
import { Draft, type Action, type Refusal } from "./draft.ts";
import type { Finding, Observation } from "./observation.ts";
import { approve, manualRollback, resume } from "./operator.ts";
import { outcome, reconcile } from "./outcomes.ts";
import { preflight } from "./preflight.ts";
import {
  drift,
  enterBaking,
  expireApprovals,
  forward,
  pause,
  phaseExitCode,
  planChangedRefusal,
  retireOrComplete,
  startRollback,
  criticalAlarms,
  waitsForWindowBeforeStart,
} from "./rules.ts";
import type { Phase, PairWeights, UpgradeState } from "./state.ts";
import { judge, type Verdict } from "./verdict.ts";
import { withAnalysis } from "./analysis.ts";
import { awaitSplit, splitHold } from "./split.ts";
import { recordTargets } from "./targets.ts";
import { recordNotified, type NotifyResult } from "./notified.ts";
import { bakeEndsAt, gapEvidence, gapWords, watchBake, type GapChange } from "./watch.ts";
import { trafficWeights } from "./traffic.ts";
import { reasonText } from "./reason.ts";
import { describeWeights, differingPairs, uniformPercent } from "./weights.ts";

export type { Action, Refusal } from "./draft.ts";
export { phaseExitCode, planChangedRefusal } from "./rules.ts";

/** A stale lock the driver took over (its holder, as the lock said) before the input it comes with. */
export interface LockTakeover {
  host: string;
  pid: number;
  command: string;
  /** When the stale lease ended, by its holder's clock. */
  leaseUntil: string;
}

export type Input =
  /** `adoptLive`: a first tick may start from live weights that are not all-blue (`--adopt-live`). */
  (
    | { kind: "tick"; adoptLive?: boolean }
    | { kind: "approve"; by: string }
    | { kind: "rollback"; by: string; reason?: string }
    | {
        kind: "resume";
        by: string;
        adopt: boolean;
        acceptPlanChange: boolean;
        /** Accept a plan change that drops targets still carrying green traffic (`--accept-dropped-targets`). */
        acceptDroppedTargets?: boolean;
      }
    /** Outcomes of actions, fed back by the driver. */
    | { kind: "submitted"; changes: SubmittedChange[] }
    | { kind: "in-sync" }
    | { kind: "still-pending" }
    | { kind: "retired" }
    /** EKS is still deleting or scaling blue when this tick's wait ran out. */
    | { kind: "retire-pending" }
    | { kind: "blue-records-deleted" }
    | { kind: "action-failed"; action: Action; error: string }
    /** Deliveries of notifications this tick (engine/notified.ts logs them; the phase never changes). */
    | { kind: "notified"; results: NotifyResult[] }
  ) & {
    /**
     * Set on the first input after the driver took over a stale lock: `lock-takeover` is logged before
     * anything the input itself logs (it happened first).
     */
    takeover?: LockTakeover;
  };

export interface TransitionResult {
  state: UpgradeState;
  actions: Action[];
  events: UpgradeState["events"];
  exitCode: ExitCode;
  /** Why it waits or what it did, one line (also in state.reason). */
  reason: string;
  /** Set when the input is refused: nothing in `state` should be persisted. */
  refusal?: Refusal;
  /** Preflight findings, on the ticks that run preflight. */
  findings: Finding[];
  verdict?: Verdict;
}

const TERMINAL: readonly Phase[] = ["completed", "rolled-back"];

export function transition(
  state: UpgradeState,
  observation: Observation | undefined,
  plan: CompiledPlan,
  now: Date,
  input: Input = { kind: "tick" },
): TransitionResult {
  const d = new Draft(state, plan, now);
  if (input.takeover) tookOver(d, input.takeover);
  let verdict: Verdict | undefined;
  switch (input.kind) {
    case "tick":
      verdict = tick(d, observation, input.adoptLive === true);
      break;
    case "approve":
      if (state.plan.hash !== plan.hash) d.refuse(planChangedRefusal(state, plan));
      else approve(d, input.by);
      break;
    case "rollback":
      manualRollback(d, input.by, input.reason);
      break;
    case "resume":
      resume(d, observation, input);
      break;
    case "notified":
      recordNotified(d, input.results);
      break;
    default:
      outcome(d, observation, input);
  }
  return {
    state: d.state,
    actions: d.actions,
    events: d.events,
    exitCode: d.refusal?.exitCode ?? d.exitCode ?? phaseExitCode(d.state.phase),
    reason: d.refusal?.message ?? reasonText(d.state.reason, now),
    ...(d.refusal ? { refusal: d.refusal } : {}),
    findings: d.findings,
    ...(verdict ? { verdict } : {}),
  };
}

function tookOver(d: Draft, from: LockTakeover): void {
  d.event(
    "lock-takeover",
    `Took over a stale lock held by ${from.command} (pid ${from.pid} on ${from.host}, lease until ${from.leaseUntil}).`,
    { evidence: { tookOverFrom: `${from.host}:${from.pid}` } },
  );
}

// ------------------------------------------------------------------------------------------- tick

function tick(d: Draft, obs: Observation | undefined, adoptLive = false): Verdict | undefined {
  const s = d.state;
  if (TERMINAL.includes(s.phase)) {
    d.wait(s.reason);
    return undefined;
  }
  if (s.plan.hash !== d.plan.hash) {
    d.refuse(planChangedRefusal(s, d.plan));
    return undefined;
  }
  expireApprovals(d);
  if (s.phase === "paused") {
    d.wait(s.pause ? { code: "paused", text: s.pause.reason } : s.reason);
    return undefined;
  }
  if (!obs) throw new Error("a tick needs an observation");
  if (s.phase === "pending" || s.phase === "preflight") {
    start(d, obs, adoptLive);
    return undefined;
  }
  const weights = trafficWeights(obs);
  if (s.intent) {
    reconcile(d, obs, weights);
    return undefined;
  }
  // Metric analysis joins the verdict (a failed metric rolls back like an alarm); see analysis.ts.
  const verdict = splitHold(d, withAnalysis(d, obs, judge(obs, d.plan, s.alarmsSince, s.restartBaseline)));

  if (s.phase === "retiring") {
    // Blue is going away: there is nothing left to roll back to.
    retireOrComplete(d);
    return verdict;
  }
  if (s.phase === "rolling-back") {
    // A critical alarm during a gradual rollback: the rest of the way at once.
    const heading = s.change?.green ?? s.writtenGreen;
    if (heading > 0 && criticalAlarms(d, verdict.evidence).length > 0) {
      startRollback(d, s.rollbackReason ?? "rollback", weights, verdict.evidence);
      return verdict;
    }
    if (s.change) d.actions.push({ type: "wait-insync", changeIds: s.change.ids });
    else startRollback(d, s.rollbackReason ?? "rollback", weights);
    return verdict;
  }

  if (verdict.kind === "fail") {
    failed(d, verdict, weights);
    return verdict;
  }
  // Drift exists only once something was written: before the first shift, step 1 sets every pair.
  if (weights && (s.step > 0 || s.change)) {
    const off = differingPairs(weights, s.writtenGreen);
    if (off.length > 0) {
      drift(d, s.writtenGreen, weights);
      return verdict;
    }
  }
  const gap = watchBake(d, obs, verdict);
  if (verdict.kind === "error" || verdict.kind === "inconclusive") {
    hold(d, verdict, weights, gap);
    return verdict;
  }
  // A gap absorbed by retries within this tick logged no hold: it only moves the bake's end.
  if (s.holdSince || (gap.closed && !gap.closed.absorbed)) {
    const words = gap.closed ? `; ${gapWords(gap.closed)}` : "";
    d.event("hold-cleared", `The verdict is pass again; the hold ends${words}.`, {
      evidence: { ...verdict.evidence, ...gapEvidence(s, gap.closed) },
    });
    delete s.holdSince;
  }
  // With a split query the bake starts once the observed split converges, not at INSYNC (split.ts).
  if (awaitSplit(d, obs, weights)) return verdict;
  progress(d, obs, verdict);
  return verdict;
}

/** The first tick (or a later one while still pending): preflight, then step 1 if nothing stands before it. */
function start(d: Draft, obs: Observation, adoptLive: boolean): void {
  const s = d.state;
  // Live weights adopted by an earlier tick (resting at preflight outside a change window) are expected.
  const findings = preflight(d.plan, obs, { adoptLive: adoptLive || s.writtenGreen > 0 });
  d.findings = findings;
  const errors = findings.filter((f) => f.severity === "error");
  if (errors.length > 0) {
    const warnings = findings.filter((f) => f.severity === "warning");
    d.refuse({
      code: "preflight-failed",
      message: `Preflight found ${errors.length} problem(s); nothing was changed:\n  ${errors.map((e) => e.message).join("\n  ")}${warnings.length > 0 ? `\nWarnings:\n  ${warnings.map((w) => w.message).join("\n  ")}` : ""}`,
      hint: `Fix them and run again; \`eks-bluegreen plan ${d.plan.file}\` shows every finding.`,
      exitCode: ExitCode.NeedsPerson,
      findings,
    });
    return;
  }
  // Nothing logged yet, but maybe the takeover of a stale lock this very input brought.
  if (s.events.every((e) => e.type === "lock-takeover")) {
    d.event("created", `Upgrade ${d.plan.name} created (plan hash ${d.plan.hash.slice(0, 12)}).`, {
      to: "pending",
      evidence: { planHash: d.plan.hash },
    });
  }
  const weights = trafficWeights(obs);
  const live = adoptLive && weights ? uniformPercent(weights) : undefined;
  // Something to adopt: a pair where green already has traffic (all-blue starts as usual).
  const greenLive = weights?.some((w) => (w.green ?? 0) > 0) ?? false;
  if (adoptLive && s.step === 0 && !s.change && greenLive) {
    if (live === undefined) {
      d.refuse({
        code: "cannot-adopt-live",
        message: `Cannot adopt the live weights: ${weights ? `the targets are not at one percentage (${describeWeights(weights)})` : "Route 53 could not be read"}; nothing was changed.`,
        hint: `Set every pair to the same weights by hand (or all to blue, green 0), then run again.`,
        exitCode: ExitCode.NeedsPerson,
        findings,
      });
      return;
    }
  }
  const adopting = adoptLive && live !== undefined && live > 0 && s.step === 0 && !s.change;
  // With the change window closed before step 1 the upgrade rests at pending (never at preflight);
  // adopting live weights moves no traffic, so no window holds it back.
  if (s.phase === "pending" && !adopting && waitsForWindowBeforeStart(d)) return;
  if (s.phase === "pending") {
    d.enter("preflight", "preflight-passed", "Preflight passed.", {
      findings: findings
        .filter((f) => f.severity !== "info")
        .map((f) => ({ severity: f.severity, code: f.code, message: f.message })),
      ...(weights ? { weights } : {}),
      ...(obs.alarms.ok
        ? { alarms: obs.alarms.value.alarms.map((a) => ({ name: a.name, state: a.state })) }
        : {}),
    });
  }
  if (adopting && adoptedLive(d, obs, live!, weights!)) return;
  forward(d, 1, obs);
}

/**
 * `--adopt-live` on the first tick: the live percentage becomes the written one, counted as the highest
 * plan step at or below it. Returns true when that step is baking now (nothing to shift this tick).
 */
function adoptedLive(d: Draft, obs: Observation, live: number, weights: PairWeights[]): boolean {
  const s = d.state;
  const step = d.plan.steps
    .filter((st) => st.green <= live + 1e-9)
    .reduce((m, st) => Math.max(m, st.index), 0);
  s.writtenGreen = live;
  s.step = step;
  s.alarmsSince = d.iso;
  s.change = { ids: [], submittedAt: d.iso, green: live };
  // These targets now carry green traffic this upgrade answers for: retirement checks them.
  recordTargets(s, d.plan);
  d.event(
    "adopted-live",
    `Started from the live weights (--adopt-live): ${live}% green, counted as step ${step}.`,
    { evidence: { weights, expectedGreen: live } },
  );
  if (step === 0) return false;
  s.bakeStartedAt = d.iso;
  if (live >= 100) s.fullSince = d.iso;
  d.enter(
    "baking",
    "bake-restarted",
    `Baking step ${step} from now (${live}% green, adopted).`,
    undefined,
    step,
  );
  return true;
}

/** Decides what the current phase does next, the verdict being pass. */
function progress(d: Draft, obs: Observation, verdict: Verdict): void {
  const s = d.state;
  switch (s.phase) {
    case "shifting":
      if (s.change && s.change.ids.length > 0)
        d.actions.push({ type: "wait-insync", changeIds: s.change.ids });
      else enterBaking(d, obs);
      d.wait({ code: "waiting-insync", step: s.step, green: s.writtenGreen });
      return;
    case "baking": {
      // A bake without a recorded start (never written so) counts from now, as before.
      const ends = bakeEndsAt(s, d.plan) ?? d.now.getTime() + (d.plan.steps[s.step - 1]?.bakeMs ?? 0);
      const left = ends - d.now.getTime();
      if (left > 0 && !s.bakeCompletedAt) {
        d.wait({
          code: "baking",
          step: s.step,
          green: s.writtenGreen,
          until: new Date(ends).toISOString(),
          ...(s.bakeUnwatchedMs ? { unwatchedMs: s.bakeUnwatchedMs } : {}),
        });
        return;
      }
      const last = s.step >= d.plan.steps.length;
      if (!last) {
        if (!s.bakeCompletedAt) {
          s.bakeCompletedAt = d.iso;
          d.event("bake-complete", `Bake of step ${s.step} complete; alarms and green healthy.`, {
            evidence: {
              ...verdict.evidence,
              ...(s.bakeUnwatchedMs ? { bakeUnwatchedMs: s.bakeUnwatchedMs } : {}),
            },
          });
        }
        s.reason = { code: "bake-complete", step: s.step };
        forward(d, s.step + 1, obs);
        return;
      }
      if (s.writtenGreen < 100) {
        d.enter(
          "completed",
          "completed",
          `Completed: the plan ends with ${s.writtenGreen}% on green.`,
          verdict.evidence,
        );
        return;
      }
      d.enter(
        "holding",
        "holding",
        `Green holds 100%; ${d.plan.doc.retire.mode === "keep" ? "blue is kept" : `blue is retired (${d.plan.doc.retire.mode})`}; waiting ${d.plan.doc.retire.after} first.`,
        verdict.evidence,
      );
      retireOrComplete(d, false, obs);
      return;
    }
    case "awaiting-approval":
      forward(d, s.step + 1, obs);
      return;
    case "holding":
    case "waiting-to-retire":
      retireOrComplete(d, false, obs);
      return;
    default:
      d.wait(s.reason);
  }
}

function failed(d: Draft, verdict: Verdict, weights: PairWeights[] | undefined): void {
  const s = d.state;
  const why = verdict.reasons.join("; ");
  if (s.writtenGreen === 0 && s.step === 0) {
    // Nothing on green yet: there is nothing to roll back, only a reason not to start.
    d.wait({ code: "not-shifting", text: why }, ExitCode.NeedsPerson);
    return;
  }
  if (!d.plan.doc.rollback.automatic) {
    pause(d, "verdict-fail", `Green failed (${why}); rollback.automatic is false, so a person decides.`, {
      evidence: verdict.evidence,
    });
    return;
  }
  startRollback(d, `Green failed: ${why}.`, weights, verdict.evidence);
}

function hold(d: Draft, verdict: Verdict, weights: PairWeights[] | undefined, gap: GapChange): void {
  const s = d.state;
  const why = verdict.reasons.join("; ");
  // Logged when the hold begins, and when an unreadable gap of the bake opens or closes within it.
  const closed = gap.closed && !gap.closed.absorbed ? gap.closed : undefined;
  if (!s.holdSince || gap.opened || closed) {
    s.holdSince ??= d.iso;
    const words = closed ? `; ${gapWords(closed)}` : "";
    d.event("hold", `Holding (${verdict.kind}): ${why}${words}.`, {
      evidence: { ...verdict.evidence, ...gapEvidence(s, closed) },
    });
  }
  const held = d.now.getTime() - Date.parse(s.holdSince);
  if (held < d.plan.holdTimeoutMs) {
    d.wait({
      code: "holding",
      verdict: verdict.kind === "error" ? "error" : "inconclusive",
      text: why,
      until: new Date(Date.parse(s.holdSince) + d.plan.holdTimeoutMs).toISOString(),
    });
    return;
  }
  const message = `Held for ${d.plan.doc.rollback.holdTimeout} without a clear verdict (${why}).`;
  if (d.plan.doc.rollback.onHoldTimeout === "rollback" && s.writtenGreen > 0) {
    startRollback(d, message, weights, { ...verdict.evidence, holdTimeout: true });
  } else {
    pause(d, "hold-timeout", message, { evidence: verdict.evidence });
  }
}
