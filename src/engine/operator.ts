/** What a person asks for: approve a gate, roll back, resume after a pause (adopt, accept a plan change). Pure. */
import { ExitCode } from "../errors.ts";
import type { Draft } from "./draft.ts";
import { fightHint, recentDrift } from "./interruptions.ts";
import type { Observation } from "./observation.ts";
import { approvalGate, planChangedRefusal, startRollback } from "./rules.ts";
import { droppedLiveTargets } from "./targets.ts";
import { resetBakeWatch } from "./watch.ts";
import { trafficWeights } from "./traffic.ts";
import { describeWeights, differingPairs, uniformPercent } from "./weights.ts";
// -------------------------------------------------------------------------------- operator inputs

export function approve(d: Draft, by: string): void {
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
  d.wait({ code: "approved", gate: gate.id, text: gate.label }, ExitCode.Ok);
}

export function manualRollback(d: Draft, by: string, reason: string | undefined): void {
  const s = d.state;
  if (s.phase === "rolled-back") {
    d.wait({ code: "already-rolled-back" });
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

export function resume(
  d: Draft,
  obs: Observation | undefined,
  input: { by: string; adopt: boolean; acceptPlanChange: boolean; acceptDroppedTargets?: boolean },
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
    // A target the new plan drops is never shifted again: refuse while it still sends traffic to green.
    const dropped = droppedLiveTargets(s, d.plan, obs);
    if (dropped.live.length > 0 && !input.acceptDroppedTargets) {
      d.refuse({
        code: "plan-change-drops-live-targets",
        message: `The changed plan drops ${dropped.live.length} target(s) whose live weights are not all on blue, so the upgrade would never move them again: ${describeWeights(dropped.live)}.`,
        hint: `Put them back in the plan, or move them to blue by hand (green weight 0) first; to drop them anyway run \`eks-bluegreen resume ${d.plan.file} --accept-plan-change --accept-dropped-targets\` (blue is still not retired while they send it traffic).`,
        exitCode: ExitCode.NeedsPerson,
      });
      return;
    }
    const old = s.plan.hash;
    s.plan.hash = d.plan.hash;
    const droppedNote =
      dropped.all.length > 0
        ? ` It drops ${dropped.all.length} target(s)${dropped.live.length > 0 ? ` (accepted with --accept-dropped-targets)` : ""}: ${describeWeights(dropped.all)}.`
        : "";
    d.event(
      "plan-change-accepted",
      `${input.by} accepted the changed plan (${old.slice(0, 12)} → ${d.plan.hash.slice(0, 12)}).${droppedNote}`,
      {
        evidence: {
          planHash: d.plan.hash,
          approvedBy: input.by,
          ...(dropped.all.length > 0 ? { weights: dropped.all } : {}),
        },
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
    // The live weights are the expected ones again (an unreadable endpoint mistaken for drift, or the
    // hand edit undone): there is nothing to adopt, so plain resume goes on where it paused.
    const live = trafficWeights(obs);
    if (!input.adopt && live && differingPairs(live, p.expectedGreen ?? s.writtenGreen).length === 0) {
      delete s.pause;
      delete s.holdSince;
      s.alarmsSince = d.iso;
      d.enter(
        p.resumeTo,
        "resumed",
        `${input.by} resumed the upgrade: the live weights are the expected ${p.expectedGreen ?? s.writtenGreen}% green again (was paused: ${p.reason}).`,
        { approvedBy: input.by, weights: live, expectedGreen: p.expectedGreen ?? s.writtenGreen },
      );
      return;
    }
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
  const weights = trafficWeights(obs);
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
  resetBakeWatch(s);
  if (live >= 100) s.fullSince = d.iso;
  d.enter("baking", "bake-restarted", `Baking step ${step} again from now (${live}% green).`);
}
