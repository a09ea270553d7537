/**
 * Every rule of the upgrade, as one pure function: `transition(state, observation, plan, now, input)`
 * returns the next state, the actions to perform (plain data) and the events it logged. No I/O, no
 * clock of its own. The driver feeds the outcome of each action back in as an input, so even
 * "Route 53 accepted the change" and "INSYNC" are decided here.
 */
import type { SubmittedChange } from "../aws/ports.ts";
import { ExitCode } from "../errors.ts";
import type { CompiledPlan } from "../plan/compile.ts";
import { Draft, type Action, type Refusal } from "./draft.ts";
import type { Finding, Observation } from "./observation.ts";
import { preflight } from "./preflight.ts";
import type { PairWeights, Phase, UpgradeState } from "./state.ts";
import { judge, type Verdict } from "./verdict.ts";
import { describeWeights, differingPairs, readWeights, uniformPercent } from "./weights.ts";
import { checkWindows } from "./windows.ts";
import { cutShortShift, fightHint, fightMessage, recentDrift } from "./interruptions.ts";
import {
  approvalGate,
  forward,
  pause,
  startRollback,
  validApproval,
  retireOrComplete,
  applied,
  windowOpen,
} from "./rules.ts";

export type { Action, Refusal } from "./draft.ts";

export type Input =
  | { kind: "tick" }
  | { kind: "approve"; by: string }
  | { kind: "rollback"; by: string; reason?: string }
  | { kind: "resume"; by: string; adopt: boolean; acceptPlanChange: boolean }
  /** Outcomes of actions, fed back by the driver. */
  | { kind: "submitted"; changes: SubmittedChange[] }
  | { kind: "in-sync" }
  | { kind: "still-pending" }
  | { kind: "retired" }
  | { kind: "blue-records-deleted" }
  | { kind: "action-failed"; action: Action; error: string };

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

export function phaseExitCode(phase: Phase): ExitCode {
  switch (phase) {
    case "rolling-back":
    case "rolled-back":
      return ExitCode.RolledBack;
    case "paused":
    case "awaiting-approval":
    case "waiting-to-retire":
      return ExitCode.NeedsPerson;
    default:
      return ExitCode.Ok;
  }
}

export function transition(
  state: UpgradeState,
  observation: Observation | undefined,
  plan: CompiledPlan,
  now: Date,
  input: Input = { kind: "tick" },
): TransitionResult {
  const d = new Draft(state, plan, now);
  let verdict: Verdict | undefined;
  switch (input.kind) {
    case "tick":
      verdict = tick(d, observation);
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
    default:
      outcome(d, observation, input);
  }
  return {
    state: d.state,
    actions: d.actions,
    events: d.events,
    exitCode: d.refusal?.exitCode ?? d.exitCode ?? phaseExitCode(d.state.phase),
    reason: d.refusal?.message ?? d.state.reason,
    ...(d.refusal ? { refusal: d.refusal } : {}),
    findings: d.findings,
    ...(verdict ? { verdict } : {}),
  };
}

export function planChangedRefusal(state: UpgradeState, plan: CompiledPlan): Refusal {
  return {
    code: "plan-changed",
    message: `The plan ${plan.file} changed since this upgrade started (hash ${state.plan.hash.slice(0, 12)} → ${plan.hash.slice(0, 12)}); refusing to continue with a different plan mid-upgrade.`,
    hint: `Review the change, then run \`eks-bluegreen resume ${plan.file} --accept-plan-change\` (or \`eks-bluegreen rollback ${plan.file}\`).`,
    exitCode: ExitCode.NeedsPerson,
  };
}

// ------------------------------------------------------------------------------------------- tick

function tick(d: Draft, obs: Observation | undefined): Verdict | undefined {
  const s = d.state;
  if (TERMINAL.includes(s.phase)) {
    d.wait(s.reason);
    return undefined;
  }
  if (s.plan.hash !== d.plan.hash) {
    d.refuse(planChangedRefusal(s, d.plan));
    return undefined;
  }
  if (s.phase === "paused") {
    d.wait(s.pause?.reason ?? s.reason);
    return undefined;
  }
  if (!obs) throw new Error("a tick needs an observation");
  if (s.phase === "pending" || s.phase === "preflight") {
    start(d, obs);
    return undefined;
  }
  const weights = obs.traffic.ok ? readWeights(obs.traffic.value) : undefined;
  if (s.intent) {
    reconcile(d, obs, weights);
    return undefined;
  }
  const verdict = judge(obs, d.plan, s.alarmsSince, s.restartBaseline);

  if (s.phase === "retiring") {
    // Blue is going away: there is nothing left to roll back to.
    retireOrComplete(d);
    return verdict;
  }
  if (s.phase === "rolling-back") {
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
  if (verdict.kind === "error" || verdict.kind === "inconclusive") {
    hold(d, verdict, weights);
    return verdict;
  }
  if (s.holdSince) {
    d.event("hold-cleared", "The verdict is pass again; the hold ends.", { evidence: verdict.evidence });
    delete s.holdSince;
  }
  progress(d, obs, verdict);
  return verdict;
}

/** The first tick (or a later one while still pending): preflight, then step 1 if nothing stands before it. */
function start(d: Draft, obs: Observation): void {
  const s = d.state;
  const findings = preflight(d.plan, obs);
  d.findings = findings;
  const errors = findings.filter((f) => f.severity === "error");
  if (errors.length > 0) {
    d.refuse({
      code: "preflight-failed",
      message: `Preflight found ${errors.length} problem(s); nothing was changed:\n  ${errors.map((e) => e.message).join("\n  ")}`,
      hint: `Fix them and run again; \`eks-bluegreen plan ${d.plan.file}\` shows every finding.`,
      exitCode: ExitCode.NeedsPerson,
      findings,
    });
    return;
  }
  if (s.events.length === 0) {
    d.event("created", `Upgrade ${d.plan.name} created (plan hash ${d.plan.hash.slice(0, 12)}).`, {
      to: "pending",
      evidence: { planHash: d.plan.hash },
    });
  }
  if (s.phase === "pending") {
    const weights = obs.traffic.ok ? readWeights(obs.traffic.value) : undefined;
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
  forward(d, 1, obs);
}

/** Decides what the current phase does next, the verdict being pass. */
function progress(d: Draft, obs: Observation, verdict: Verdict): void {
  const s = d.state;
  const step = d.plan.steps[s.step - 1];
  switch (s.phase) {
    case "shifting":
      if (s.change && s.change.ids.length > 0)
        d.actions.push({ type: "wait-insync", changeIds: s.change.ids });
      else enterBaking(d, obs);
      d.wait(`Waiting for Route 53 to report INSYNC for step ${s.step} (${s.writtenGreen}% green).`);
      return;
    case "baking": {
      const bakeMs = step?.bakeMs ?? 0;
      const started = Date.parse(s.bakeStartedAt ?? d.iso);
      const left = started + bakeMs - d.now.getTime();
      if (left > 0) {
        d.wait(`Baking step ${s.step} (${s.writtenGreen}% green): ${Math.ceil(left / 1000)}s left.`);
        return;
      }
      const last = s.step >= d.plan.steps.length;
      if (!last) {
        if (!s.reason.startsWith("Bake of step")) {
          d.event("bake-complete", `Bake of step ${s.step} complete; alarms and green healthy.`, {
            evidence: verdict.evidence,
          });
        }
        s.reason = `Bake of step ${s.step} complete.`;
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
      retireOrComplete(d);
      return;
    }
    case "awaiting-approval":
      forward(d, s.step + 1, obs);
      return;
    case "holding":
    case "waiting-to-retire":
      retireOrComplete(d);
      return;
    default:
      d.wait(s.reason);
  }
}

export function enterBaking(d: Draft, obs: Observation | undefined): void {
  const s = d.state;
  s.bakeStartedAt = d.iso;
  if (s.writtenGreen >= 100 && !s.fullSince) s.fullSince = d.iso;
  const k8s = obs?.kubernetes;
  if (k8s?.ok) s.restartBaseline = k8s.value.restarts;
  const step = d.plan.steps[s.step - 1];
  d.enter(
    "baking",
    "in-sync",
    `Route 53 reports INSYNC for step ${s.step} (${s.writtenGreen}% green); baking for ${Math.round((step?.bakeMs ?? 0) / 1000)}s.`,
  );
}

function failed(d: Draft, verdict: Verdict, weights: PairWeights[] | undefined): void {
  const s = d.state;
  const why = verdict.reasons.join("; ");
  if (s.writtenGreen === 0 && s.step === 0) {
    // Nothing on green yet: there is nothing to roll back, only a reason not to start.
    d.wait(`Not shifting while: ${why}.`, ExitCode.NeedsPerson);
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

function drift(d: Draft, expected: number, weights: PairWeights[]): void {
  const live = describeWeights(differingPairs(weights, expected));
  const extra = { evidence: { weights, expectedGreen: expected }, expectedGreen: expected, live: weights };
  // A second drift soon after the first is another writer fighting the tool: adopting would loop.
  const earlier = recentDrift(d.state.events, d.now);
  if (earlier) {
    pause(d, "drift-fight", fightMessage(earlier, d.now, live), extra);
    return;
  }
  pause(
    d,
    "drift",
    `Drift: Route 53 weights changed outside this tool. Expected ${expected}% green on every pair; live: ${live}.`,
    extra,
  );
}

function hold(d: Draft, verdict: Verdict, weights: PairWeights[] | undefined): void {
  const s = d.state;
  const why = verdict.reasons.join("; ");
  if (!s.holdSince) {
    s.holdSince = d.iso;
    d.event("hold", `Holding (${verdict.kind}): ${why}.`, { evidence: verdict.evidence });
  }
  const held = d.now.getTime() - Date.parse(s.holdSince);
  if (held < d.plan.holdTimeoutMs) {
    const left = Math.ceil((d.plan.holdTimeoutMs - held) / 1000);
    d.wait(
      `Holding (${verdict.kind}): ${why}. Looking again; ${left}s until rollback.onHoldTimeout applies.`,
    );
    return;
  }
  const message = `Held for ${d.plan.doc.rollback.holdTimeout} without a clear verdict (${why}).`;
  if (d.plan.doc.rollback.onHoldTimeout === "rollback" && s.writtenGreen > 0) {
    startRollback(d, message, weights, verdict.evidence);
  } else {
    pause(d, "hold-timeout", message, { evidence: verdict.evidence });
  }
}

// -------------------------------------------------------------------------------- reconciliation

/** A side effect was in flight when the last tick ended: find out from Route 53 whether it happened. */
function reconcile(d: Draft, obs: Observation, weights: PairWeights[] | undefined): void {
  const s = d.state;
  const intent = s.intent!;
  if (intent.action === "retire") {
    d.event("reconciled", `Retiring blue was interrupted; doing it again (it is safe to repeat).`);
    d.actions.push({ type: "retire", mode: intent.mode });
    return;
  }
  if (!weights) {
    d.wait(
      `Cannot read Route 53 to check the interrupted change: ${obs.traffic.ok ? "" : obs.traffic.error}. Looking again.`,
      phaseExitCode(s.phase),
    );
    return;
  }
  if (intent.action === "delete-blue-records") {
    const remaining = obs.traffic.ok ? obs.traffic.value.filter((r) => r.blue !== undefined) : [];
    if (remaining.length === 0) {
      delete s.intent;
      d.event("reconciled", "Blue's records were already deleted before the interruption.", {
        evidence: { weights },
      });
      d.enter("completed", "completed", "Completed: green carries all traffic; blue retired.");
    } else {
      d.actions.push({ type: "delete-blue-records" });
    }
    return;
  }
  if (differingPairs(weights, intent.green).length === 0) {
    d.event("reconciled", `The interrupted shift to ${intent.green}% green had been applied.`, {
      evidence: { weights, expectedGreen: intent.green },
    });
    applied(d, [], intent.at);
    if (s.phase === "rolling-back") finishRollback(d);
    else enterBaking(d, obs);
    return;
  }
  const cut = cutShortShift(weights, intent.green, s.writtenGreen);
  if (cut) {
    // Route 53 applied the step's requests for some hosted zones before the interruption: send the rest only.
    d.event(
      "reconciled",
      `The interrupted shift to ${intent.green}% green reached ${cut.done.length} of ${weights.length} pair(s); sending the rest (${cut.todo.map((w) => w.name).join(", ")}).`,
      { evidence: { weights, expectedGreen: intent.green } },
    );
    d.actions.push({
      type: "shift",
      green: intent.green,
      step: intent.step,
      only: cut.todo.map((w) => w.name),
    });
    return;
  }
  if (differingPairs(weights, s.writtenGreen).length === 0) {
    d.event(
      "reconciled",
      `The interrupted shift to ${intent.green}% green had not been applied; sending it again.`,
      {
        evidence: { weights, expectedGreen: s.writtenGreen },
      },
    );
    s.intent = { ...intent, at: d.iso };
    d.actions.push({ type: "shift", green: intent.green, step: intent.step });
    return;
  }
  delete s.intent;
  drift(d, intent.green, weights);
}

export function finishRollback(d: Draft): void {
  const s = d.state;
  s.step = 0;
  delete s.bakeStartedAt;
  delete s.fullSince;
  delete s.holdSince;
  d.enter("rolled-back", "rolled-back", `Rolled back: all traffic on blue. ${s.rollbackReason ?? ""}`.trim());
}

// -------------------------------------------------------------------------------- action outcomes

function outcome(d: Draft, obs: Observation | undefined, input: Input): void {
  const s = d.state;
  switch (input.kind) {
    case "submitted": {
      const intent = s.intent;
      if (intent?.action !== "shift") throw new Error("a shift outcome without a shift intent");
      const at = [intent.at, ...input.changes.map((c) => c.submittedAt)].sort()[0]!;
      applied(
        d,
        input.changes.map((c) => c.changeId),
        at,
      );
      d.event("shift-submitted", `Route 53 accepted the change to ${s.writtenGreen}% green.`, {
        evidence: { changeIds: input.changes.map((c) => c.changeId) },
      });
      d.actions.push({ type: "wait-insync", changeIds: s.change!.ids });
      return;
    }
    case "in-sync":
      if (s.phase === "rolling-back") finishRollback(d);
      else if (s.phase === "shifting") enterBaking(d, obs);
      return;
    case "still-pending":
      d.wait(`Waiting for Route 53 to report INSYNC (${s.writtenGreen}% green).`);
      return;
    case "retired":
      delete s.intent;
      d.event(
        "retired",
        `Blue cluster ${d.plan.doc.clusters.blue.name} retired (${d.plan.doc.retire.mode}).`,
      );
      retireOrComplete(d, true);
      return;
    case "blue-records-deleted":
      delete s.intent;
      d.event("blue-records-deleted", "Blue's weighted records deleted.");
      d.enter("completed", "completed", "Completed: green carries all traffic; blue retired.");
      return;
    case "action-failed":
      // The intent stays: the next tick reconciles with what AWS really did.
      d.event("action-failed", `${input.action.type} failed: ${input.error}`, {
        evidence: { error: input.error },
      });
      d.wait(
        `${input.action.type} failed (${input.error}); the next tick checks what happened and continues.`,
      );
      return;
    default:
      return;
  }
}

// -------------------------------------------------------------------------------- operator inputs

function approve(d: Draft, by: string): void {
  const s = d.state;
  const gate = approvalGate(d);
  if (!gate) {
    d.refuse({
      code: "nothing-to-approve",
      message: `Nothing to approve: the upgrade is ${s.phase} and no approval gate is next.`,
      hint: `\`eks-bluegreen status ${d.plan.file}\` shows where it is.`,
      exitCode: ExitCode.Usage,
    });
    return;
  }
  s.approvals = s.approvals.filter((a) => a.gate !== gate.id || a.usedAt !== undefined);
  s.approvals.push({ by, at: d.iso, gate: gate.id });
  const expiry = d.plan.approvalExpireMs;
  d.event(
    "approved",
    `${by} approved ${gate.label}${expiry !== undefined ? ` (lapses after ${d.plan.doc.approvals.expireAfter})` : ""}.`,
    { evidence: { approvedBy: by } },
  );
  d.wait(`Approved ${gate.label}; the next tick proceeds.`, ExitCode.Ok);
}

function manualRollback(d: Draft, by: string, reason: string | undefined): void {
  const s = d.state;
  if (s.phase === "rolled-back") {
    d.wait("Already rolled back: all traffic is on blue.");
    return;
  }
  if (s.phase === "completed" || s.phase === "retiring" || (s.intent && s.intent.action !== "shift")) {
    d.refuse({
      code: "cannot-roll-back",
      message: `Cannot roll back: the upgrade is ${s.phase} and blue is being or has been retired.`,
      hint: "Move traffic by hand in Route 53, or write a new plan with the clusters swapped.",
      exitCode: ExitCode.NeedsPerson,
    });
    return;
  }
  delete s.pause;
  startRollback(d, `Manual rollback by ${by}${reason ? `: ${reason}` : ""}.`, undefined, { approvedBy: by });
}

function resume(
  d: Draft,
  obs: Observation | undefined,
  input: { by: string; adopt: boolean; acceptPlanChange: boolean },
): void {
  const s = d.state;
  if (s.plan.hash !== d.plan.hash) {
    if (!input.acceptPlanChange) {
      d.refuse(planChangedRefusal(s, d.plan));
      return;
    }
    if (s.step > d.plan.steps.length) {
      d.refuse({
        code: "plan-change-rejected",
        message: `The changed plan has ${d.plan.steps.length} step(s) but the upgrade already took ${s.step}.`,
        hint: "Keep at least as many steps as already taken, or roll back.",
        exitCode: ExitCode.NeedsPerson,
      });
      return;
    }
    const old = s.plan.hash;
    s.plan.hash = d.plan.hash;
    d.event(
      "plan-change-accepted",
      `${input.by} accepted the changed plan (${old.slice(0, 12)} → ${d.plan.hash.slice(0, 12)}).`,
      {
        evidence: { planHash: d.plan.hash, approvedBy: input.by },
      },
    );
  }
  if (s.phase !== "paused") {
    if (input.adopt) {
      d.refuse({
        code: "nothing-to-adopt",
        message: `--adopt applies only after drift; the upgrade is ${s.phase}.`,
        hint: "Run `resume` without --adopt.",
        exitCode: ExitCode.Usage,
      });
    }
    return;
  }
  const p = s.pause!;
  if (p.code === "drift-fight" && recentDrift(s.events, d.now)) {
    d.refuse({
      code: "drift-fight",
      message: p.reason,
      hint: fightHint(d.plan.file),
      exitCode: ExitCode.NeedsPerson,
    });
    return;
  }
  if (p.code === "drift" || p.code === "drift-fight") {
    if (!input.adopt) {
      d.refuse({
        code: "drift",
        message: p.reason,
        hint: `Accept the live weights with \`eks-bluegreen resume ${d.plan.file} --adopt\`, or go back to blue with \`eks-bluegreen rollback ${d.plan.file}\`.`,
        exitCode: ExitCode.NeedsPerson,
      });
      return;
    }
    adopt(d, obs, input.by);
    return;
  }
  delete s.pause;
  delete s.holdSince;
  // The person has seen what made it pause: alarm history counts afresh from now.
  s.alarmsSince = d.iso;
  d.enter(p.resumeTo, "resumed", `${input.by} resumed the upgrade (was paused: ${p.reason}).`, {
    approvedBy: input.by,
  });
}

function adopt(d: Draft, obs: Observation | undefined, by: string): void {
  const s = d.state;
  const weights = obs?.traffic.ok ? readWeights(obs.traffic.value) : undefined;
  const live = weights ? uniformPercent(weights) : undefined;
  if (weights === undefined || live === undefined) {
    d.refuse({
      code: "cannot-adopt",
      message: weights
        ? `Cannot adopt: the pairs are not at one percentage (${describeWeights(weights)}).`
        : "Cannot adopt: Route 53 could not be read.",
      hint: `Set every pair to the same weights by hand, or run \`eks-bluegreen rollback ${d.plan.file}\`.`,
      exitCode: ExitCode.NeedsPerson,
    });
    return;
  }
  const step = d.plan.steps
    .filter((st) => st.green <= live + 1e-9)
    .reduce((m, st) => Math.max(m, st.index), 0);
  delete s.pause;
  delete s.holdSince;
  delete s.intent;
  s.writtenGreen = live;
  s.step = step;
  s.alarmsSince = d.iso;
  s.change = { ids: [], submittedAt: d.iso, green: live };
  const message = `${by} adopted the live weights: ${live}% green (counted as step ${step}).`;
  if (step === 0) {
    d.enter("pending", "adopted", message, { weights, approvedBy: by });
    return;
  }
  d.event("adopted", message, { evidence: { weights, approvedBy: by } });
  s.bakeStartedAt = d.iso;
  if (live >= 100) s.fullSince = d.iso;
  d.enter("baking", "bake-restarted", `Baking step ${step} again from now (${live}% green).`);
}

export { validApproval, checkWindows, windowOpen };
