/**
 * What really happened in the sandbox, independent of what the tool says: every Route 53 change batch
 * applied (the change history), and hooks that SIGKILL the running CLI from the server side at moments
 * the tool has no crash point for (between two zones' batches, during the INSYNC wait, mid-retirement).
 */
import { SandboxError } from "../../../src/sandbox/http.ts";
import type { ChangeRequest } from "../../../src/sandbox/route53/world.ts";
import type { Action } from "../../../src/sandbox/elbv2/world.ts";
import type { EndpointConfiguration } from "../../../src/sandbox/globalaccelerator/world.ts";
import type { Sandbox } from "../../../src/sandbox/index.ts";

export interface AppliedChange {
  zoneId: string;
  comment: string | undefined;
  /** `name|setId` → weight written (UPSERT) or null (DELETE). */
  writes: Map<string, number | null>;
}

export type KillMoment =
  /** When the N-th ChangeResourceRecordSets arrives (1-based, counted from arming): it is not applied. */
  | { kind: "before-change"; nth: number }
  /** When GetChange answers PENDING for the N-th time. */
  | { kind: "insync-pending"; nth: number }
  /** When the N-th EKS retirement call arrives (scale a node group, delete a node group, profile or cluster). */
  | { kind: "retire-call"; nth: number }
  /** When the N-th ModifyListener, ModifyRule or UpdateEndpointGroup arrives: it is not applied. */
  | { kind: "before-target-write"; nth: number };

/** One load-balancer write the sandbox applied: which target, and the green weight it now holds. */
export interface TargetWrite {
  operation: "ModifyListener" | "ModifyRule" | "UpdateEndpointGroup";
  arn: string;
  /** Green's weight written (its target group's, or its endpoint's); undefined if green is not in it. */
  green: number | undefined;
}

export interface WorldLog {
  changes: AppliedChange[];
  /** Every ALB listener / rule and Global Accelerator endpoint group write applied, in order. */
  targetWrites: TargetWrite[];
  /** Arms a kill: `target()` gives the pid to SIGKILL when the moment comes; fires once. */
  arm(moment: KillMoment, target: () => number | undefined): void;
  /** True once an armed kill fired. */
  fired(): boolean;
}

export function watchWorld(sandbox: Sandbox): WorldLog {
  const r53 = sandbox.world.route53;
  const eks = sandbox.world.eks;
  const changes: AppliedChange[] = [];
  const targetWrites: TargetWrite[] = [];
  let armed: { moment: KillMoment; target: () => number | undefined; seen: number } | undefined;
  let fired = false;

  /** Counts one occurrence of `kind`; SIGKILLs the target when it is the armed one. */
  const hit = (kind: KillMoment["kind"]): boolean => {
    if (!armed || fired || armed.moment.kind !== kind) return false;
    armed.seen += 1;
    if (armed.seen !== armed.moment.nth) return false;
    const pid = armed.target();
    if (pid !== undefined) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    fired = true;
    return true;
  };

  const apply = r53.applyChanges.bind(r53);
  r53.applyChanges = (zoneId: string, batch: ChangeRequest[], comment?: string) => {
    if (hit("before-change")) {
      throw new SandboxError(500, "InternalFailure", "the caller was killed before this batch");
    }
    const change = apply(zoneId, batch, comment);
    const writes = new Map<string, number | null>();
    for (const c of batch) {
      writes.set(
        `${c.record.Name.toLowerCase().replace(/\.$/, "")}|${c.record.SetIdentifier ?? ""}`,
        c.action === "DELETE" ? null : (c.record.Weight ?? null),
      );
    }
    changes.push({ zoneId, comment, writes });
    return change;
  };

  const status = r53.changeStatus.bind(r53);
  r53.changeStatus = (change) => {
    const s = status(change);
    if (s === "PENDING") hit("insync-pending");
    return s;
  };

  for (const method of [
    "updateNodegroupScaling",
    "deleteNodegroup",
    "deleteFargateProfile",
    "deleteCluster",
  ] as const) {
    const original = (eks[method] as (...a: unknown[]) => unknown).bind(eks);
    (eks as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      hit("retire-call");
      return original(...args);
    };
  }

  // Green's side is named `…-green` in the reliability plans (target group names, load balancer ARNs).
  const elb = sandbox.world.elbv2;
  const greenOfActions = (actions: Action[] | undefined): number | undefined => {
    for (const a of actions ?? [])
      for (const t of a.ForwardConfig?.TargetGroups ?? [])
        if (elb.findTargetGroup(t.TargetGroupArn)?.TargetGroupName.endsWith("-green")) return t.Weight ?? 1;
    return undefined;
  };
  const modifyListener = elb.modifyListener.bind(elb);
  elb.modifyListener = (arn, actions, port) => {
    if (hit("before-target-write")) throw new SandboxError(500, "InternalFailure", "the caller was killed");
    const out = modifyListener(arn, actions, port);
    targetWrites.push({ operation: "ModifyListener", arn, green: greenOfActions(actions) });
    return out;
  };
  const modifyRule = elb.modifyRule.bind(elb);
  elb.modifyRule = (arn, actions, conditions) => {
    if (hit("before-target-write")) throw new SandboxError(500, "InternalFailure", "the caller was killed");
    const out = modifyRule(arn, actions, conditions);
    targetWrites.push({ operation: "ModifyRule", arn, green: greenOfActions(actions) });
    return out;
  };
  const ga = sandbox.world.globalaccelerator;
  const update = ga.updateEndpointGroup.bind(ga);
  ga.updateEndpointGroup = (arn, endpoints: EndpointConfiguration[] | undefined, settings) => {
    if (hit("before-target-write")) throw new SandboxError(500, "InternalFailure", "the caller was killed");
    const out = update(arn, endpoints, settings);
    const green = endpoints?.find((e) => /-green\//.test(e.EndpointId));
    targetWrites.push({
      operation: "UpdateEndpointGroup",
      arn,
      green: green ? (green.Weight ?? 128) : undefined,
    });
    return out;
  };

  return {
    changes,
    targetWrites,
    arm(moment, target) {
      armed = { moment, target, seen: 0 };
      fired = false;
    },
    fired: () => fired,
  };
}
