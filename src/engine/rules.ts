/**
 * The building blocks of the transition: moving forward to a step (gates, windows), rolling back,
 * pausing, retiring blue. Each works on a Draft and is pure.
 */
import { holdsForCapacity } from "./capacity.ts";
import { ExitCode } from "../errors.ts";
import type { CompiledPlan } from "../plan/compile.ts";
import type { Draft, Refusal } from "./draft.ts";
import { fightMessage, recentDrift } from "./interruptions.ts";
import type { Observation } from "./observation.ts";
import type { Approval, Evidence, PairWeights, Pause, Phase, UpgradeState } from "./state.ts";
import { recordTargets, targetsOnBlue } from "./targets.ts";
import { resetBakeWatch } from "./watch.ts";
import { parseDuration } from "../plan/duration.ts";
import { describeWeights, differingPairs } from "./weights.ts";
import { checkWindows } from "./windows.ts";
import { PAUSE_EVENT, type PauseCode } from "./vocabulary.ts";

export interface Gate {
  /** `step-N` or `retire` */
  id: string;
  label: string;
}

/** When an approval lapses (`approvals.expireAfter`), or undefined when approvals never lapse. */
export function approvalExpiresAt(a: Approval, plan: CompiledPlan): Date | undefined {
  const expire = plan.approvalExpireMs;
  return expire === undefined ? undefined : new Date(Date.parse(a.at) + expire);
}

/** An unused approval whose `approvals.expireAfter` has run out at `now` (a used one never lapses). */
export function approvalLapsed(a: Approval, plan: CompiledPlan, now: Date): boolean {
  const until = approvalExpiresAt(a, plan);
  return a.usedAt === undefined && until !== undefined && now.getTime() >= until.getTime();
}

export function validApproval(d: Draft, gate: string): boolean {
  return d.state.approvals.some(
    (a) => a.gate === gate && a.usedAt === undefined && !approvalLapsed(a, d.plan, d.now),
  );
}

/** Logs `approval-expired` once for each approval the tick finds lapsed, and marks it. */
export function expireApprovals(d: Draft): void {
  for (const a of d.state.approvals) {
    if (a.expiredAt !== undefined || !approvalLapsed(a, d.plan, d.now)) continue;
    a.expiredAt = d.iso;
    d.event(
      "approval-expired",
      `The approval of ${a.gate} by ${a.by} (${a.at}) lapsed after approvals.expireAfter ${d.plan.doc.approvals.expireAfter}; it opens nothing now: run \`eks-bluegreen approve ${d.plan.file}\` again when ready.`,
      { evidence: { approvedBy: a.by } },
    );
  }
}

function useApproval(d: Draft, gate: string): void {
  const a = d.state.approvals.find((x) => x.gate === gate && x.usedAt === undefined);
  if (a) a.usedAt = d.iso;
}

/** The gate an `approve` now would open: the one the upgrade waits at, or the next one ahead. */
export function approvalGate(d: Draft): Gate | undefined {
  const s = d.state;
  if (
    s.phase === "paused" ||
    s.phase === "completed" ||
    s.phase === "rolled-back" ||
    s.phase === "rolling-back"
  ) {
    return undefined;
  }
  if (s.phase === "retiring") return undefined;
  if (s.phase === "holding" || s.phase === "waiting-to-retire") {
    return retireNeedsApproval(d) ? { id: "retire", label: retireLabel(d.plan) } : undefined;
  }
  const current = s.intent?.action === "shift" && s.phase === "shifting" ? s.intent.step : s.step;
  const next = d.plan.steps[current];
  if (next?.approval) return { id: `step-${next.index}`, label: `step ${next.index} (${next.green}% green)` };
  if (!next && retireNeedsApproval(d)) return { id: "retire", label: retireLabel(d.plan) };
  return undefined;
}

/**
 * Forward moves stop at an approval gate without a valid approval, and outside the change windows
 * (a wait, exit 0). Returns whether the move may go ahead now. Rollback never comes through here.
 */
function mayMoveForward(
  d: Draft,
  gate: string,
  approvalNeeded: boolean,
  phase: "awaiting-approval" | "waiting-to-retire",
  waitingFor: string,
): boolean {
  if (approvalNeeded && !validApproval(d, gate)) {
    if (d.state.phase !== phase) d.enter(phase, phase, waitingFor);
    d.wait({ code: "awaiting-approval", gate, text: waitingFor });
    return false;
  }
  return !waitForWindow(d);
}

/** Outside every change window: waits (exit 0) and returns true. */
function waitForWindow(d: Draft): boolean {
  const check = checkWindows(d.plan.doc.changeWindows, d.now);
  if (check.open) return false;
  d.wait(
    { code: "change-window", ...(check.nextOpen ? { until: check.nextOpen.toISOString() } : {}) },
    ExitCode.Ok,
  );
  return true;
}

/**
 * Before step 1 with the change window closed (and no gate to wait at first), the upgrade rests at
 * `pending`: preflight runs again on every tick, and `preflight-passed` is logged on the tick that
 * moves on. Returns whether it waits.
 */
export function waitsForWindowBeforeStart(d: Draft): boolean {
  const step = d.plan.steps[0];
  if (!step) return false;
  // A gate before step 1 is waited at first (awaiting-approval), as before any other step.
  if (step.approval && !validApproval(d, "step-1")) return false;
  return waitForWindow(d);
}

/** Moves to step k if its gate is open and a change window allows it. */
export function forward(d: Draft, k: number, obs: Observation): void {
  const s = d.state;
  const step = d.plan.steps[k - 1];
  if (!step) return;
  const gate = `step-${k}`;
  const waitingFor = `Waiting for approval before step ${k} (${step.green}% green): run \`eks-bluegreen approve ${d.plan.file}\`.`;
  if (!mayMoveForward(d, gate, step.approval, "awaiting-approval", waitingFor)) return;
  if (holdsForCapacity(d, k, obs)) return;
  if (step.approval) useApproval(d, gate);
  delete s.bakeStartedAt;
  resetBakeWatch(s);
  delete s.change;
  s.intent = { action: "shift", green: step.green, step: k, at: d.iso };
  recordTargets(s, d.plan);
  d.actions.push({ type: "shift", green: step.green, step: k });
  d.enter(
    "shifting",
    "shift-started",
    `Shifting to step ${k}: ${step.green}% green, ${step.blue}% blue.`,
    {
      ...(obs.alarms.ok
        ? { alarms: obs.alarms.value.alarms.map((a) => ({ name: a.name, state: a.state })) }
        : {}),
    },
    k,
  );
}

/** Records that a shift reached Route 53 (from the submit outcome or from reconciliation). */
export function applied(d: Draft, changeIds: string[], submittedAt: string): void {
  const s = d.state;
  const intent = s.intent;
  if (intent?.action !== "shift") return;
  s.writtenGreen = intent.green;
  if (s.phase !== "rolling-back") s.step = intent.step;
  s.change = { ids: changeIds, submittedAt, green: intent.green };
  s.alarmsSince = submittedAt;
  delete s.intent;
}

export function startRollback(
  d: Draft,
  reason: string,
  weights: PairWeights[] | undefined,
  evidence: Evidence = {},
): void {
  const s = d.state;
  s.rollbackReason = reason;
  delete s.holdSince;
  delete s.bakeStartedAt;
  resetBakeWatch(s);
  delete s.change;
  delete s.pause;
  // rollback.mode gradual: one step down at a time (finishRollback walks on); a critical alarm goes at once.
  const critical = criticalAlarms(d, evidence);
  const target =
    d.plan.doc.rollback.mode === "gradual" && critical.length === 0 ? stepBelow(d, s.writtenGreen) : 0;
  s.intent = { action: "shift", green: target, step: 0, at: d.iso };
  recordTargets(s, d.plan);
  d.actions.push({ type: "shift", green: target, step: 0 });
  d.enter("rolling-back", "rollback-started", `Rolling back to blue: ${reason}`, {
    ...evidence,
    ...(weights ? { weights } : {}),
    ...(target > 0 ? { expectedGreen: target } : {}),
    ...(critical.length > 0 ? { criticalAlarms: critical } : {}),
  });
}

/** Critical alarms (alarms.critical) in ALARM in this evidence. */
export function criticalAlarms(d: Draft, evidence: Evidence): string[] {
  const names = d.plan.doc.alarms.critical ?? [];
  const now = (evidence.alarms ?? []).filter((a) => a.state === "ALARM").map((a) => a.name);
  const since = (evidence.alarmHistory ?? []).filter((h) => h.to === "ALARM").map((h) => h.name);
  return [...new Set([...now, ...since])].filter((n) => names.includes(n));
}

/** The largest step below `green` percent (0 when none): where a gradual rollback goes next. */
export function stepBelow(d: Draft, green: number): number {
  return Math.max(0, ...d.plan.steps.map((s) => s.green).filter((g) => g < green));
}

/** A gradual rollback's step is INSYNC: hold it for rollback.stepBake, then the next step down. */
function rollbackStepDone(d: Draft): void {
  const s = d.state;
  const bakeMs = parseDuration(d.plan.doc.rollback.stepBake ?? "1m");
  if (!s.bakeStartedAt) {
    s.bakeStartedAt = d.iso;
    d.event(
      "rollback-step",
      `Rolled back to ${s.writtenGreen}% green; holding ${Math.round(bakeMs / 1000)}s before the next step down.`,
      { evidence: { expectedGreen: s.writtenGreen } },
    );
  }
  const left = Date.parse(s.bakeStartedAt) + bakeMs - d.now.getTime();
  if (left > 0) {
    d.wait({
      code: "rollback-step",
      green: s.writtenGreen,
      until: new Date(Date.parse(s.bakeStartedAt) + bakeMs).toISOString(),
    });
    return;
  }
  const target = stepBelow(d, s.writtenGreen);
  delete s.bakeStartedAt;
  delete s.change;
  s.intent = { action: "shift", green: target, step: 0, at: d.iso };
  d.actions.push({ type: "shift", green: target, step: 0 });
  d.event("rollback-step-started", `Rolling back gradually: shifting to ${target}% green.`, {
    evidence: { expectedGreen: target },
  });
  d.wait({ code: "rollback-shifting", green: target });
}

export function pause(
  d: Draft,
  code: PauseCode,
  reason: string,
  extra: { evidence?: Evidence; expectedGreen?: number; live?: PairWeights[] } = {},
): void {
  const s = d.state;
  const p: Pause = {
    code,
    reason,
    resumeTo: s.phase === "paused" ? (s.pause?.resumeTo ?? "baking") : s.phase,
    since: d.iso,
    ...(extra.expectedGreen !== undefined ? { expectedGreen: extra.expectedGreen } : {}),
    ...(extra.live ? { live: extra.live } : {}),
  };
  s.pause = p;
  const evidence = { ...extra.evidence, pauseCode: code };
  d.enter("paused", PAUSE_EVENT[code], reason, evidence);
  d.exitCode = ExitCode.NeedsPerson;
}

export function retireNeedsApproval(d: Draft): boolean {
  return d.plan.doc.retire.mode === "delete" || d.plan.doc.retire.approval;
}

/**
 * Blue may be retired only when no target the state ever wrote (the plan's and those a changed plan
 * dropped) still sends it traffic. Returns false after pausing (`targets-on-blue`) or holding (unreadable).
 */
export function mayRetire(d: Draft, obs: Observation | undefined): boolean {
  const { onBlue, unreadable } = targetsOnBlue(d.state, d.plan, obs);
  if (unreadable.length > 0) {
    d.wait({ code: "retire-unreadable", text: unreadable.join(", ") });
    return false;
  }
  if (onBlue.length === 0) return true;
  pause(
    d,
    "targets-on-blue",
    `Not retiring blue cluster ${d.plan.doc.clusters.blue.name}: ${onBlue.length} target(s) still send traffic to blue (${describeWeights(onBlue)}).`,
    { evidence: { weights: onBlue }, live: onBlue },
  );
  return false;
}

/** Holding at 100%: wait retire.after, then (with approval) retire blue, delete its records, complete. */
export function retireOrComplete(d: Draft, retired = false, obs?: Observation): void {
  const s = d.state;
  const retire = d.plan.doc.retire;
  const work = retire.mode !== "keep" || retire.blueRecords === "delete";
  if (!retired && s.phase !== "retiring") {
    const since = Date.parse(s.fullSince ?? s.bakeStartedAt ?? d.iso);
    const left = since + d.plan.retireAfterMs - d.now.getTime();
    if (left > 0) {
      d.wait({
        code: "retire-countdown",
        text: retireLabel(d.plan),
        until: new Date(since + d.plan.retireAfterMs).toISOString(),
      });
      return;
    }
    if (!work) {
      d.enter("completed", "completed", completedMessage(d.plan));
      return;
    }
    // Deleting or scaling blue cuts off whatever still points at it (`keep` leaves blue running).
    if (retire.mode !== "keep" && !mayRetire(d, obs)) return;
    const waitingFor = `Green has held 100% for ${retire.after}; ${retireLabel(d.plan)} needs approval: run \`eks-bluegreen approve ${d.plan.file}\`.`;
    if (!mayMoveForward(d, "retire", retireNeedsApproval(d), "waiting-to-retire", waitingFor)) return;
    useApproval(d, "retire");
    d.enter(
      "retiring",
      "retire-started",
      retire.mode === "keep"
        ? `Deleting blue's weighted records; blue cluster ${d.plan.doc.clusters.blue.name} is kept (retire mode keep).`
        : `Retiring blue cluster ${d.plan.doc.clusters.blue.name} (${retire.mode}).`,
    );
    if (retire.mode !== "keep") {
      s.intent = { action: "retire", mode: retire.mode, at: d.iso };
      d.actions.push({ type: "retire", mode: retire.mode });
      return;
    }
  }
  if (retire.blueRecords === "delete") {
    s.intent = { action: "delete-blue-records", at: d.iso };
    d.actions.push({ type: "delete-blue-records" });
    return;
  }
  d.enter("completed", "completed", completedMessage(d.plan));
}

/** What retiring means for this plan, in words: in mode `keep` only blue's records go, never "retired". */
export function retireLabel(plan: CompiledPlan): string {
  const r = plan.doc.retire;
  if (r.mode === "keep") return "deleting blue's weighted records (the blue cluster is kept)";
  return `retiring blue (${r.mode}${r.blueRecords === "delete" ? ", delete its records" : ""})`;
}

/** The `completed` message: what happened to blue, as the plan's retire mode says. */
export function completedMessage(plan: CompiledPlan): string {
  const r = plan.doc.retire;
  if (r.mode !== "keep") return `Completed: green carries all traffic; blue retired (${r.mode}).`;
  return r.blueRecords === "delete"
    ? "Completed: green carries all traffic; blue's weighted records deleted, the blue cluster is kept as the plan says."
    : "Completed: green carries all traffic; blue is kept as the plan says.";
}

export function planChangedRefusal(state: UpgradeState, plan: CompiledPlan): Refusal {
  return {
    code: "plan-changed",
    message: `The plan ${plan.file} changed since this upgrade started (hash ${state.plan.hash.slice(0, 12)} → ${plan.hash.slice(0, 12)}); refusing to continue with a different plan mid-upgrade.`,
    hint: `Review the change, then run \`eks-bluegreen resume ${plan.file} --accept-plan-change\` (or \`eks-bluegreen rollback ${plan.file}\`).`,
    exitCode: ExitCode.NeedsPerson,
  };
}

export function enterBaking(d: Draft, obs: Observation | undefined): void {
  const s = d.state;
  s.bakeStartedAt = d.iso;
  resetBakeWatch(s);
  if (s.writtenGreen >= 100 && !s.fullSince) s.fullSince = d.iso;
  const k8s = obs?.kubernetes;
  if (k8s?.ok) s.restartBaseline = k8s.value.restarts;
  const step = d.plan.steps[s.step - 1];
  d.enter(
    "baking",
    "in-sync",
    `${d.plan.doc.traffic.records.length > 0 ? "Route 53 reports INSYNC" : "Every target shows the weights"} for step ${s.step} (${s.writtenGreen}% green); baking for ${Math.round((step?.bakeMs ?? 0) / 1000)}s.`,
  );
}

export function finishRollback(d: Draft): void {
  const s = d.state;
  if (s.writtenGreen > 0) {
    rollbackStepDone(d);
    return;
  }
  s.step = 0;
  delete s.bakeStartedAt;
  resetBakeWatch(s);
  delete s.fullSince;
  delete s.holdSince;
  d.enter("rolled-back", "rolled-back", `Rolled back: all traffic on blue. ${s.rollbackReason ?? ""}`.trim());
}

export function drift(d: Draft, expected: number, weights: PairWeights[]): void {
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
