/**
 * The load-balancer side of the reliability checks: the live weights of every traffic target a shape
 * names (record pairs, ALB listeners and rules, Global Accelerator endpoint groups), that they all
 * stand at one percentage whenever no process runs, and that each step wrote each listener, rule and
 * endpoint group exactly once (from the sandbox's world and cross-checked with its call log).
 */
import { expect } from "vitest";
import type { Env } from "./harness.ts";
import { liveWeights } from "./outcome.ts";
import { endpointGroupsOf, listenersOf, type PlanShape } from "./plans.ts";
import type { WorldLog } from "./world-log.ts";

// The crash matrix's load-balancer plans (crash-targets.test.ts, and a subset in crash.fast.test.ts).

/** Two listeners (default actions) and one listener rule: three ALB writes a step. */
export const LISTENERS: PlanShape = { name: "alb", zones: [], listeners: 2, rules: 1 };
/** Two endpoint groups: two UpdateEndpointGroup a step. */
export const ENDPOINT_GROUPS: PlanShape = { name: "ga", zones: [], endpointGroups: 2 };
/** Records in two zones, a listener and an endpoint group; blue scaled to zero and its records deleted. */
export const MIXED: PlanShape = {
  name: "mix",
  zones: [1, 1],
  listeners: 1,
  endpointGroups: 1,
  retire: { mode: "scale-to-zero", blueRecords: "delete" },
};

export interface TargetWeights {
  blue?: number;
  green?: number;
}

/** Live weights of every target of the shape, keyed `record <name>`, `listener <key>`, `endpoint-group <i>`. */
export function allWeights(env: Env, shape: PlanShape): Map<string, TargetWeights> {
  const out = new Map<string, TargetWeights>();
  for (const [name, w] of liveWeights(env, shape)) out.set(`record ${name}`, w);
  const elb = env.sandbox.world.elbv2;
  for (const l of listenersOf(shape)) {
    const actions = l.ruleArn ? elb.rule(l.ruleArn).Actions : elb.listener(l.listenerArn).DefaultActions;
    const w: TargetWeights = {};
    for (const a of actions)
      for (const t of a.ForwardConfig?.TargetGroups ?? []) {
        const name = elb.targetGroup(t.TargetGroupArn).TargetGroupName;
        if (name === l.blue) w.blue = t.Weight ?? 1;
        if (name === l.green) w.green = t.Weight ?? 1;
      }
    out.set(`listener ${l.key}`, w);
  }
  const ga = env.sandbox.world.globalaccelerator;
  endpointGroupsOf(shape).forEach((g, i) => {
    const w: TargetWeights = {};
    for (const d of ga.endpointGroup(g.endpointGroupArn).EndpointDescriptions) {
      if (d.EndpointId === g.blue) w.blue = d.Weight;
      if (d.EndpointId === g.green) w.green = d.Weight;
    }
    out.set(`endpoint-group ${i}`, w);
  });
  return out;
}

/**
 * No weight pair is left half-written across targets: every target shows green at one percentage and
 * blue at the rest (blue's record may be gone once the plan deleted it). Returns that percentage.
 */
export function expectAtRest(env: Env, shape: PlanShape, when: string): number {
  const weights = allWeights(env, shape);
  const greens = new Set([...weights.values()].map((w) => w.green));
  expect([...greens], `${when}: targets at different percentages: ${describe(weights)}`).toHaveLength(1);
  const green = [...greens][0]!;
  const blueDeleted = shape.retire?.blueRecords === "delete" && green === 100;
  const wrong = [...weights].filter(
    ([key, w]) =>
      w.green === undefined ||
      (w.blue === undefined ? !(blueDeleted && key.startsWith("record ")) : w.blue !== 100 - w.green),
  );
  expect(
    wrong.map(([k]) => k),
    `${when}: ${describe(weights)}`,
  ).toEqual([]);
  return green;
}

function describe(weights: Map<string, TargetWeights>): string {
  return [...weights].map(([k, w]) => `${k}=${w.blue ?? "-"}/${w.green ?? "-"}`).join(", ");
}

const OPERATIONS = ["ModifyListener", "ModifyRule", "UpdateEndpointGroup"] as const;

/**
 * For each step's green percent, every listener, rule and endpoint group was written to it exactly once,
 * and nothing else was written to them. The writes the sandbox logged in its world must be the successful
 * ModifyListener / ModifyRule / UpdateEndpointGroup calls of its call log, one for one. Returns the
 * calls per step, e.g. `10%: 2 ModifyListener, 1 UpdateEndpointGroup`.
 */
export function expectTargetsEachStepOnce(
  env: Env,
  log: WorldLog,
  shape: PlanShape,
  greens: number[],
): string[] {
  const arns = [
    ...listenersOf(shape).map((l) => l.ruleArn ?? l.listenerArn),
    ...endpointGroupsOf(shape).map((g) => g.endpointGroupArn),
  ];
  const problems: string[] = [];
  for (const arn of arns) {
    const written = log.targetWrites.filter((w) => w.arn === arn).map((w) => w.green);
    if (JSON.stringify(written) !== JSON.stringify(greens))
      problems.push(`${arn.split(":").slice(-1)[0]} written ${JSON.stringify(written)}`);
  }
  expect(problems, `${problems.length} targets not written exactly once a step`).toEqual([]);
  for (const op of OPERATIONS) {
    const called = env.sandbox.calls.filter((c) => c.operation === op && c.status < 300).length;
    expect(called, `${op} calls in the sandbox's call log`).toBe(
      log.targetWrites.filter((w) => w.operation === op).length,
    );
  }
  return greens.map((g) => {
    const ops = OPERATIONS.map(
      (op) => [op, log.targetWrites.filter((w) => w.operation === op && w.green === g).length] as const,
    ).filter(([, n]) => n > 0);
    return `${g}%: ${ops.map(([op, n]) => `${n} ${op}`).join(", ")}`;
  });
}
